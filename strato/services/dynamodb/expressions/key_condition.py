"""Key conditions: the partition key's value and the sort key's range a Query reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import attribute_values as av
from .errors import DynamoValidationError
from .evaluator import begins_with, compare_values
from .nodes import Between, Comparison, Function, In, Not, Or, Path, Value
from .parse import parse_condition

RANGE_OPERATORS = ("=", "<", "<=", ">", ">=", "BETWEEN", "begins_with")
FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
LEGACY_NAMES = {"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}
BAD_CONDITION = "Invalid condition in KeyConditionExpression: "


@dataclass(frozen=True)
class KeyCondition:
    hash_key: str
    hash_value: dict[str, Any]
    range_key: str | None = None
    range: tuple[str, list[dict[str, Any]]] | None = None  # (op, operands)
    names_used: frozenset[str] = field(default=frozenset())
    values_used: frozenset[str] = field(default=frozenset())

    def matches(self, item: dict[str, Any]) -> bool:
        if not av.values_equal(item.get(self.hash_key), self.hash_value):
            return False
        if self.range is None:
            return True
        op, operands = self.range
        value = item.get(self.range_key)  # type: ignore[arg-type]
        if op == "begins_with":
            return begins_with(value, operands[0])
        if op == "BETWEEN":
            return compare_values(">=", value, operands[0]) and compare_values(
                "<=", value, operands[1]
            )
        return compare_values(op, value, operands[0])


def parse_key_condition(
    text: str,
    names: dict[str, str] | None,
    values: dict[str, Any] | None,
    hash_key: str,
    range_key: str | None,
) -> KeyCondition:
    condition = parse_condition(text, names, values, kind="KeyConditionExpression")
    conditions: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    _collect(condition.root, conditions)
    return assemble(conditions, hash_key, range_key, condition.names_used, condition.values_used)


def assemble(
    conditions: dict[str, tuple[str, list[dict[str, Any]]]],
    hash_key: str,
    range_key: str | None,
    names_used: frozenset[str] = frozenset(),
    values_used: frozenset[str] = frozenset(),
) -> KeyCondition:
    """Check per-attribute key conditions against the key schema, as Query does."""
    for op, operands in conditions.values():
        name = LEGACY_NAMES.get(op, op.upper())
        for operand in operands:
            kind = av.type_of(operand)
            allowed = ("S", "B") if op == "begins_with" else ("S", "N", "B")
            if kind not in allowed:
                raise DynamoValidationError(
                    "One or more parameter values were invalid: ComparisonOperator "
                    f"{name} is not valid for {kind} AttributeValue type"
                )
    if len(conditions) not in (1, 2):
        raise DynamoValidationError("Conditions can be of length 1 or 2 only")
    if hash_key not in conditions:
        raise DynamoValidationError(f"Query condition missed key schema element: {hash_key}")
    if len(conditions) == 2:
        if range_key is None:
            raise DynamoValidationError("Query key condition not supported")
        if range_key not in conditions:
            raise DynamoValidationError(f"Query condition missed key schema element: {range_key}")
    hash_op, hash_operands = conditions[hash_key]
    if hash_op != "=":
        raise DynamoValidationError("Query key condition not supported")
    return KeyCondition(
        hash_key,
        hash_operands[0],
        range_key,
        conditions.get(range_key or ""),
        names_used,
        values_used,
    )


def _collect(node: Any, out: dict[str, tuple[str, list[dict[str, Any]]]]) -> None:
    """Split an AND of simple conditions into {attribute: (op, operands)}, as AWS checks it."""
    if isinstance(node, (Or, Not, In)) or (isinstance(node, Comparison) and node.op == "<>"):
        word = {Or: "OR", Not: "NOT", In: "IN"}.get(type(node), "<>")  # type: ignore[call-overload]
        raise DynamoValidationError(f"Invalid operator used in KeyConditionExpression: {word}")
    if isinstance(node, Function) and node.name != "begins_with":
        raise DynamoValidationError(f"Invalid operator used in KeyConditionExpression: {node.name}")
    if not isinstance(node, (Comparison, Between, Function)):
        _collect(node.left, out)
        _collect(node.right, out)
        return
    if isinstance(node, Between):
        op, operands = "BETWEEN", [node.operand, node.low, node.high]
    elif isinstance(node, Function):
        op, operands = "begins_with", list(node.args)
    else:
        op, operands = node.op, [node.left, node.right]
    if op in ("BETWEEN", "begins_with") and not isinstance(operands[0], Path):
        raise DynamoValidationError(
            BAD_CONDITION + f"{op} operator must have the key attribute as its first operand"
        )
    name, position = None, 0
    for index, operand in enumerate(operands):
        if isinstance(operand, Function):
            raise DynamoValidationError("KeyConditionExpressions cannot contain nested operations")
        if isinstance(operand, Path):
            if name is not None:
                raise DynamoValidationError(
                    BAD_CONDITION + "Multiple attribute names used in one condition"
                )
            if len(operand.elements) > 1:
                raise DynamoValidationError(
                    "KeyConditionExpressions cannot have conditions on nested attributes"
                )
            name, position = str(operand.elements[0]), index
    if name is None:
        raise DynamoValidationError(BAD_CONDITION + "No key attribute specified")
    if name in out:
        raise DynamoValidationError(
            "KeyConditionExpressions must only contain one condition per key"
        )
    if position:  # ":v < sk" means "sk > :v"
        op, operands = FLIPPED[op], [operands[1], operands[0]]
    out[name] = (op, [operand.value for operand in operands[1:] if isinstance(operand, Value)])
