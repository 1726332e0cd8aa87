"""The legacy condition parameters (Expected, QueryFilter, ScanFilter, KeyConditions).

Each converts to the same tree an expression parses to, after AWS's checks.
Attribute names here are literal top-level names: no aliases, no reserved words.
"""

from __future__ import annotations

from typing import Any

from .. import attribute_values as av
from .errors import DynamoValidationError
from .key_condition import KeyCondition, assemble
from .nodes import And, Between, Comparison, Condition, Function, In, Not, Or, Path, Value

INVALID = "One or more parameter values were invalid: "
ARGUMENT_COUNTS = {
    "EQ": (1, 1), "NE": (1, 1), "LE": (1, 1), "LT": (1, 1), "GE": (1, 1), "GT": (1, 1),
    "CONTAINS": (1, 1), "NOT_CONTAINS": (1, 1), "BEGINS_WITH": (1, 1),
    "NULL": (0, 0), "NOT_NULL": (0, 0), "IN": (1, None), "BETWEEN": (2, 2),
}  # fmt: skip
ALLOWED_TYPES = {
    "EQ": ("S", "N", "B", "SS", "NS", "BS", "BOOL", "NULL", "L", "M"),
    "NE": ("S", "N", "B", "SS", "NS", "BS", "BOOL", "NULL", "L", "M"),
    "LE": ("S", "N", "B"), "LT": ("S", "N", "B"), "GE": ("S", "N", "B"), "GT": ("S", "N", "B"),
    "CONTAINS": ("S", "N", "B"), "NOT_CONTAINS": ("S", "N", "B"), "BEGINS_WITH": ("S", "B"),
    "IN": ("S", "N", "B"), "BETWEEN": ("S", "N", "B"),
}  # fmt: skip
COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
KEY_OPERATORS = {**COMPARATORS, "BETWEEN": "BETWEEN", "BEGINS_WITH": "begins_with"}
BAD_BETWEEN = "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"


def condition_from_expected(
    expected: dict[str, Any] | None, conditional_operator: str | None = None
) -> Condition | None:
    """The Expected parameter as a Condition (None when there is nothing to check)."""
    leaves = []
    for name, spec in (expected or {}).items():
        if "AttributeValueList" in spec and "Value" in spec:
            raise DynamoValidationError(
                INVALID
                + f"Value and AttributeValueList cannot be used together for Attribute: {name}"
            )
        if "ComparisonOperator" in spec:
            op = spec["ComparisonOperator"]
            if "Exists" in spec:
                raise DynamoValidationError(
                    INVALID
                    + f"Exists and ComparisonOperator cannot be used together for Attribute: {name}"
                )
            if (
                op not in ("NULL", "NOT_NULL")
                and "AttributeValueList" not in spec
                and "Value" not in spec
            ):
                raise DynamoValidationError(
                    INVALID + f"Value or AttributeValueList must be used with ComparisonOperator: "
                    f"{op} for Attribute: {name}"
                )
            operands = spec.get("AttributeValueList")
            if operands is None:
                operands = [spec["Value"]] if "Value" in spec else []
            leaves.append(_leaf(name, op, _checked(op, operands)))
        elif "AttributeValueList" in spec:
            raise DynamoValidationError(
                INVALID
                + f"AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}"
            )
        else:
            exists = spec.get("Exists")
            if exists is not False and spec.get("Value") is None:
                shown = "null" if exists is None else "true"
                raise DynamoValidationError(
                    INVALID + f"Value must be provided when Exists is {shown} for Attribute: {name}"
                )
            if exists is False:
                if spec.get("Value") is not None:
                    raise DynamoValidationError(
                        INVALID + f"Value cannot be used when Exists is false for Attribute: {name}"
                    )
                leaves.append(_leaf(name, "NULL", []))
            else:
                leaves.append(_leaf(name, "EQ", [_value(spec["Value"])]))
    return _combined(leaves, conditional_operator)


def condition_from_filter(
    conditions: dict[str, Any] | None, conditional_operator: str | None = None
) -> Condition | None:
    """QueryFilter or ScanFilter as a Condition (None when there is nothing to check)."""
    leaves = []
    for name, spec in (conditions or {}).items():
        op = spec.get("ComparisonOperator")
        leaves.append(_leaf(name, op, _checked(op, spec.get("AttributeValueList") or [])))
    return _combined(leaves, conditional_operator)


def key_condition_from_key_conditions(
    conditions: dict[str, Any], hash_key: str, range_key: str | None
) -> KeyCondition:
    """The legacy KeyConditions parameter of Query as a KeyCondition."""
    converted: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for name, spec in (conditions or {}).items():
        op = spec.get("ComparisonOperator")
        operands = _checked(op, spec.get("AttributeValueList") or [])
        converted[name] = (KEY_OPERATORS.get(op, op), operands)
    for op, _ in converted.values():
        if op not in KEY_OPERATORS.values() or op == "<>":
            if hash_key not in converted:
                break  # the missing key is reported first
            raise DynamoValidationError(
                "Attempted conditional constraint is not an indexable operation"
            )
    return assemble(converted, hash_key, range_key)


def _checked(op: str, operands: list[Any]) -> list[dict[str, Any]]:
    """AWS's checks on a ComparisonOperator and its AttributeValueList."""
    values = [_value(operand) for operand in operands]
    low, high = ARGUMENT_COUNTS.get(op, (0, 0))
    if len(values) < low or (high is not None and len(values) > high):
        raise DynamoValidationError(
            INVALID + f"Invalid number of argument(s) for the {op} ComparisonOperator"
        )
    types = [av.type_of(value) for value in values]
    if len(set(types)) > 1:
        raise DynamoValidationError(
            INVALID + "AttributeValues inside AttributeValueList must be of same type"
        )
    for kind in types:
        if kind not in ALLOWED_TYPES.get(op, ()):
            raise DynamoValidationError(
                INVALID + f"ComparisonOperator {op} is not valid for {kind} AttributeValue type"
            )
    if op == "BETWEEN" and (av.compare(values[0], values[1]) or 0) > 0:
        raise DynamoValidationError(BAD_BETWEEN)
    return values


def _value(raw: Any) -> dict[str, Any]:
    return av.validate_value(raw)


def _leaf(name: str, op: str, values: list[dict[str, Any]]) -> Any:
    path = Path((name,))
    operands = [Value("", value) for value in values]
    if op in COMPARATORS:
        return Comparison(COMPARATORS[op], path, operands[0])
    if op == "NULL":
        return Function("attribute_not_exists", (path,))
    if op == "NOT_NULL":
        return Function("attribute_exists", (path,))
    if op == "CONTAINS":
        return Function("contains", (path, operands[0]))
    if op == "NOT_CONTAINS":
        return Not(Function("contains", (path, operands[0])))
    if op == "BEGINS_WITH":
        return Function("begins_with", (path, operands[0]))
    if op == "IN":
        return In(path, tuple(operands))
    return Between(path, operands[0], operands[1])


def _combined(leaves: list[Any], conditional_operator: str | None) -> Condition | None:
    if not leaves:
        return None
    join = Or if conditional_operator == "OR" else And
    root = leaves[0]
    for leaf in leaves[1:]:
        root = join(root, leaf)
    return Condition(root)
