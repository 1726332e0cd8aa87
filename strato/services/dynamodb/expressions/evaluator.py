"""Evaluating a condition against an item. Never raises: mismatched types are just false."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import attribute_values as av
from .document_paths import get
from .nodes import And, Between, Comparison, Condition, Function, In, Not, Or, Path, Value

Item = dict[str, dict[str, Any]]


def evaluate(condition: Condition | Any, item: Item) -> bool:
    """True if `item` ({} for a missing item) satisfies the condition."""
    node = condition.root if isinstance(condition, Condition) else condition
    return _holds(node, item or {})


def operand_value(operand: Any, item: Item) -> dict[str, Any] | None:
    """An operand's value in `item`: a path's value, a literal, or size(); None if missing."""
    if isinstance(operand, Path):
        return get(item, operand.elements)
    if isinstance(operand, Value):
        return operand.value
    size = size_of(operand_value(operand.args[0], item))
    return None if size is None else {"N": str(size)}


def size_of(value: dict[str, Any] | None) -> int | None:
    tag = av.type_of(value)
    if tag == "S":
        return len(value["S"].encode())  # type: ignore[index]
    if tag == "B":
        return len(av.binary(value["B"]))  # type: ignore[index]
    if tag in ("SS", "NS", "BS", "L", "M"):
        return len(value[tag])  # type: ignore[index]
    return None


def _holds(node: Any, item: Item) -> bool:
    kind = type(node)
    if kind is And:
        return _holds(node.left, item) and _holds(node.right, item)
    if kind is Or:
        return _holds(node.left, item) or _holds(node.right, item)
    if kind is Not:
        return not _holds(node.operand, item)
    if kind is Comparison:
        return compare_values(
            node.op, operand_value(node.left, item), operand_value(node.right, item)
        )
    if kind is Between:
        value = operand_value(node.operand, item)
        return compare_values(">=", value, operand_value(node.low, item)) and compare_values(
            "<=", value, operand_value(node.high, item)
        )
    if kind is In:
        value = operand_value(node.operand, item)
        return value is not None and any(
            av.values_equal(value, operand_value(choice, item)) for choice in node.choices
        )
    if kind is Function:
        return _function(node, item)
    raise TypeError(f"not a condition: {node!r}")


def compare_values(op: str, left: dict[str, Any] | None, right: dict[str, Any] | None) -> bool:
    """A comparator over two values (None = missing), as DynamoDB evaluates it."""
    if op == "=":
        return av.values_equal(left, right)
    if op == "<>":
        if left is None and right is None:
            return False
        return not av.values_equal(left, right)
    if av.type_of(left) not in ("S", "N", "B"):
        return False
    order = av.compare(left, right)
    if order is None:
        return False
    if op == "<":
        return order < 0
    if op == "<=":
        return order <= 0
    if op == ">":
        return order > 0
    return order >= 0


def _function(node: Function, item: Item) -> bool:
    name = node.name
    first = operand_value(node.args[0], item)
    if name == "attribute_exists":
        return first is not None
    if name == "attribute_not_exists":
        return first is None
    second = operand_value(node.args[1], item)
    if name == "attribute_type":
        return first is not None and second is not None and av.type_of(first) == second.get("S")
    if name == "begins_with":
        return begins_with(first, second)
    if name == "contains":
        return contains(first, second)
    return False


def begins_with(value: dict[str, Any] | None, prefix: dict[str, Any] | None) -> bool:
    tag = av.type_of(value)
    if tag != av.type_of(prefix):
        return False
    if tag == "S":
        return value["S"].startswith(prefix["S"])  # type: ignore[index]
    if tag == "B":
        return av.binary(value["B"]).startswith(av.binary(prefix["B"]))  # type: ignore[index]
    return False


def contains(value: dict[str, Any] | None, member: dict[str, Any] | None) -> bool:
    tag, wanted = av.type_of(value), av.type_of(member)
    if tag is None or wanted is None:
        return False
    if tag == "S" and wanted == "S":
        return member["S"] in value["S"]  # type: ignore[index]
    if tag == "B" and wanted == "B":
        return av.binary(member["B"]) in av.binary(value["B"])  # type: ignore[index]
    if tag == "SS" and wanted == "S":
        return member["S"] in value["SS"]  # type: ignore[index]
    if tag == "NS" and wanted == "N":
        return Decimal(member["N"]) in {Decimal(n) for n in value["NS"]}  # type: ignore[index]
    if tag == "BS" and wanted == "B":
        return av.binary(member["B"]) in {av.binary(b) for b in value["BS"]}  # type: ignore[index]
    if tag == "L":
        return any(av.values_equal(element, member) for element in value["L"])  # type: ignore[index]
    return False
