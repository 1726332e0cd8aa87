"""AWS's semantic rules for condition expressions, applied to the parsed syntax.

AWS reports one problem: redundant parentheses first, then unknown functions,
misused functions, reserved words, and then the first simple condition (in source
order) with a problem, reporting within it undefined names/values before operand
counts, then indistinct operands, then operand types.
"""

from __future__ import annotations

import base64
from typing import Any

from .. import attribute_values as av
from .errors import DynamoValidationError
from .nodes import And, Between, Comparison, Function, In, Not, Or, Path, Value
from .references import (
    MAX_OPERATORS,
    NEEDS_PATH,
    OPERAND_COUNT,
    OPERAND_TYPE,
    REDUNDANT_PARENS,
    TOO_MANY_OPERATORS,
    UNKNOWN_FUNCTION,
    Issues,
    References,
)
from .syntax import Call, Parens, Placeholder, RawPath

FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}
RESULT_TYPES = {"size": "N", "begins_with": "BOOL", "contains": "BOOL", "attribute_type": "BOOL"}
ATTRIBUTE_TYPES = ("S", "N", "B", "NULL", "SS", "BOOL", "L", "BS", "NS", "M")
ORDERED = ("S", "N", "B")
MISUSED = "The function is not allowed to be used this way in an expression; function: {}"
NOT_DISTINCT = (
    "The first operand must be distinct from the remaining operands for this operator or "
    "function; operator: {}, first operand: {}"
)
TOO_MANY_IN = "The IN operator is provided with too many operands; number of operands: {}"
MAX_IN = 100
GLOBAL_ORDER = ("parens", "unknownFunction", "misusedFunction", "reserved")
LEAF_ORDER = ("attrNameVal", "operand", "distinct", "function")


def check_condition(raw: Any, refs: References, kind: str) -> Any:
    """The checked condition tree, or AWS's ValidationException for its first problem."""
    checker = _Checker(refs)
    root = checker.condition(raw)
    message = checker.issues.pick(GLOBAL_ORDER) or checker.leaf_error
    if message is None and checker.operators > MAX_OPERATORS:
        message = TOO_MANY_OPERATORS.format(checker.operators)
    if message is not None:
        raise DynamoValidationError(f"Invalid {kind}: {message}")
    return root


class _Checker:
    def __init__(self, refs: References) -> None:
        self.refs = refs
        self.issues = Issues()
        self.leaf = Issues()
        self.leaf_error: str | None = None
        self.operators = 0

    def condition(self, raw: Any) -> Any:
        if isinstance(raw, Parens):
            if isinstance(raw.inner, Parens):
                self.issues.add("parens", REDUNDANT_PARENS)
            return self.condition(raw.inner)
        if isinstance(raw, (And, Or)):
            self.operators += 1
            return type(raw)(self.condition(raw.left), self.condition(raw.right))
        if isinstance(raw, Not):
            self.operators += 1
            return Not(self.condition(raw.operand))
        self.leaf = Issues()
        node = self.simple(raw)
        if self.leaf_error is None:
            self.leaf_error = self.leaf.pick(LEAF_ORDER)
        return node

    def simple(self, raw: Any) -> Any:
        self.operators += 1
        if isinstance(raw, Call):
            if raw.name == "size":
                self.issues.add("misusedFunction", MISUSED.format("size"))
            return self.function(raw)
        if isinstance(raw, Comparison):
            left, right = self.operands([raw.left, raw.right])
            self.distinct(raw.op, left, right)
            if raw.op not in ("=", "<>"):
                self.orderable(raw.op, [left, right])
            return Comparison(raw.op, left, right)
        if isinstance(raw, Between):
            operand, low, high = self.operands([raw.operand, raw.low, raw.high])
            self.orderable("BETWEEN", [operand, low, high])
            self.bounds(low, high)
            return Between(operand, low, high)
        operands = self.operands([raw.operand, *raw.choices])
        if len(raw.choices) > MAX_IN:
            self.leaf.add("function", TOO_MANY_IN.format(len(raw.choices)))
        return In(operands[0], tuple(operands[1:]))

    def operands(self, raws: list[Any]) -> list[Any]:
        for raw in raws:
            inner = _unwrapped(raw)
            if isinstance(inner, Call) and inner.name != "size":
                self.issues.add("misusedFunction", MISUSED.format(inner.name))
        return [self.operand(raw) for raw in raws]

    def operand(self, raw: Any) -> Any:
        if isinstance(raw, Parens):
            if isinstance(raw.inner, Parens):
                self.issues.add("parens", REDUNDANT_PARENS)
            return self.operand(raw.inner)
        if isinstance(raw, Placeholder):
            return self.refs.value(raw, self.leaf)
        if isinstance(raw, RawPath):
            return self.refs.path(raw, self.leaf, reserved=self.issues)
        self.operators += 1
        return self.function(raw)

    def function(self, raw: Call) -> Function:
        args = self.operands(list(raw.args))
        node = Function(raw.name, tuple(args))
        arity = FUNCTIONS.get(raw.name)
        if arity is None:
            self.issues.add("unknownFunction", UNKNOWN_FUNCTION.format(raw.name))
            return node
        if arity != len(args):
            self.leaf.add("operand", OPERAND_COUNT.format(raw.name, len(args)))
            return node
        if arity == 2:
            self.distinct(raw.name, args[0], args[1])
        self.function_types(raw.name, args)
        return node

    def function_types(self, name: str, args: list[Any]) -> None:
        if name in ("attribute_exists", "attribute_not_exists"):
            if not isinstance(args[0], Path):
                self.leaf.add("function", NEEDS_PATH.format(name))
        elif name == "begins_with":
            for arg in args:
                kind = _static_type(arg)
                if kind is not None and kind not in ("S", "B"):
                    self.leaf.add("function", OPERAND_TYPE.format(name, kind))
                    return
        elif name == "attribute_type":
            kind = _static_type(args[1])
            if kind != "S":
                shown = kind or "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
                self.leaf.add("function", OPERAND_TYPE.format(name, shown))
            elif args[1].value["S"] not in ATTRIBUTE_TYPES:
                self.leaf.add(
                    "function",
                    f"Invalid attribute type name found; type: {args[1].value['S']}, "
                    "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
                )
        elif name == "size":
            kind = _static_type(args[0])
            if kind in ("N", "BOOL", "NULL"):
                self.leaf.add("function", OPERAND_TYPE.format(name, kind))

    def distinct(self, operator: str, first: Any, second: Any) -> None:
        if isinstance(first, Path) and first == second:
            self.leaf.add("distinct", NOT_DISTINCT.format(operator, first))

    def orderable(self, operator: str, operands: list[Any]) -> None:
        for operand in operands:
            kind = _static_type(operand)
            if kind is not None and kind not in ORDERED:
                self.leaf.add("function", OPERAND_TYPE.format(operator, kind))
                return

    def bounds(self, low: Any, high: Any) -> None:
        if not (isinstance(low, Value) and isinstance(high, Value) and low.value and high.value):
            return
        low_type, high_type = av.type_of(low.value), av.type_of(high.value)
        shown = (
            f"lower bound operand: AttributeValue: {{{low_type}:{_scalar(low.value)}}}, "
            f"upper bound operand: AttributeValue: {{{high_type}:{_scalar(high.value)}}}"
        )
        if low_type != high_type:
            self.leaf.add(
                "function",
                "The BETWEEN operator requires same data type for lower and upper bounds; " + shown,
            )
        elif (av.compare(low.value, high.value) or 0) > 0:
            self.leaf.add(
                "function",
                "The BETWEEN operator requires upper bound to be greater than or equal to lower "
                "bound; " + shown,
            )


def _unwrapped(raw: Any) -> Any:
    while isinstance(raw, Parens):
        raw = raw.inner
    return raw


def _static_type(operand: Any) -> str | None:
    """The type an operand is known to have before evaluation (None for paths)."""
    if isinstance(operand, Value):
        return av.type_of(operand.value)
    if isinstance(operand, Function):
        return RESULT_TYPES.get(operand.name)
    return None


def _scalar(value: dict[str, Any]) -> str:
    tag, raw = next(iter(value.items()))
    if tag == "B":
        return base64.b64encode(av.binary(raw)).decode()
    return str(raw)
