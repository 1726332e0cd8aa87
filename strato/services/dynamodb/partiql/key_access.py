"""What a WHERE clause says about keys: which partitions a SELECT reads (a Query rather than a
Scan), which sort-key range, and the full primary key a write (or a batch or transaction
read) names, with the rest of the clause as its condition."""

from __future__ import annotations

from functools import reduce
from typing import Any

from ..attribute_values import type_of
from ..errors import validation
from ..expressions.nodes import And, Between, Comparison, Function, In, Or, Path, Value
from ..schema import KeyShape
from .errors import incomplete_key, key_type_mismatch

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]
FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
SORT_OPERATORS = ("=", "<", "<=", ">", ">=")


def conjuncts(node: Any) -> list[Any]:
    """The parts of a chain of ANDs."""
    if isinstance(node, And):
        return conjuncts(node.left) + conjuncts(node.right)
    return [node]


def all_of(parts: list[Any]) -> Any:
    return reduce(And, parts) if parts else None


def _is_attribute(operand: Any, name: str) -> bool:
    return isinstance(operand, Path) and operand.elements == (name,)


def _compared(node: Any, name: str) -> tuple[str, AttributeValue] | None:
    """(operator, value) when `node` compares top-level attribute `name` with a value."""
    if not isinstance(node, Comparison) or node.op not in FLIPPED:
        return None
    if _is_attribute(node.left, name) and isinstance(node.right, Value):
        return node.op, node.right.value
    if _is_attribute(node.right, name) and isinstance(node.left, Value):
        return FLIPPED[node.op], node.left.value
    return None


def equality(node: Any, name: str) -> AttributeValue | None:
    compared = _compared(node, name)
    return compared[1] if compared is not None and compared[0] == "=" else None


def partition_values(where: Any, name: str) -> list[AttributeValue] | None:
    """The partition-key values a condition restricts `name` to (= or IN, through AND and
    OR), or None when any partition may match: then a SELECT scans."""
    if where is None:
        return None
    if isinstance(where, And):
        left = partition_values(where.left, name)
        return left if left is not None else partition_values(where.right, name)
    if isinstance(where, Or):
        left, right = partition_values(where.left, name), partition_values(where.right, name)
        return None if left is None or right is None else left + right
    if isinstance(where, In) and _is_attribute(where.operand, name):
        if all(isinstance(choice, Value) for choice in where.choices):
            return [choice.value for choice in where.choices]
        return None
    found = equality(where, name)
    return None if found is None else [found]


def sort_range(where: Any, name: str) -> tuple[str, list[AttributeValue]] | None:
    """A condition on the sort key that every match obeys (one part of the top-level AND),
    as (operator, operands) for `storage_keys.sort_range`."""
    if where is None:
        return None
    for part in conjuncts(where):
        compared = _compared(part, name)
        if compared is not None:
            return compared[0], [compared[1]]
        if (
            isinstance(part, Between)
            and _is_attribute(part.operand, name)
            and isinstance(part.low, Value)
            and isinstance(part.high, Value)
        ):
            return "BETWEEN", [part.low.value, part.high.value]
        if (
            isinstance(part, Function)
            and part.name == "begins_with"
            and _is_attribute(part.args[0], name)
            and isinstance(part.args[1], Value)
        ):
            return "begins_with", [part.args[1].value]
    return None


def primary_key(where: Any, shape: KeyShape, missing: str | None = None) -> tuple[Item, Any]:
    """The key a WHERE clause names with one equality per key attribute (parts of its top-level
    AND), and the other parts as a condition (None when there are none)."""
    key: Item = {}
    rest: list[Any] = []
    for part in conjuncts(where) if where is not None else []:
        for name in shape.names:
            value = equality(part, name)
            if value is None:
                continue
            if name in key:
                raise validation(
                    f"Multiple conditions on same key {name}. Only single item "
                    "Update/Insert/Delete are supported"
                )
            key[name] = value
            break
        else:
            rest.append(part)
    if len(key) != len(shape.names):
        raise validation(missing) if missing else incomplete_key()
    check_key_types(key, shape)
    return key, all_of(rest)


def check_key_types(item: Item, shape: KeyShape) -> None:
    for name, kind in shape.typed():
        if name in item and type_of(item[name]) != kind:
            raise key_type_mismatch(name)
