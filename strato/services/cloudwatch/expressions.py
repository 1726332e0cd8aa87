"""Metric math for GetMetricData: arithmetic, METRICS(), and the common aggregate functions.

Supported: numbers, query ids, + - * / ^, parentheses, METRICS() and METRICS("label part"),
SUM AVG MIN MAX (of an array: one series; of one series: a scalar), ABS CEIL FLOOR SQRT
LOG LOG10 (point by point), FILL(series, value). Not supported: SEARCH, IF, RATE, DIFF,
ANOMALY_DETECTION_BAND, INSIGHT_RULE_METRIC and the rest; they are reported as errors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class ExpressionError(ValueError):
    """An expression that cannot be parsed or evaluated."""


@dataclass
class Series:
    label: str
    points: dict[float, float] = field(default_factory=dict)  # timestamp -> value


Value = float | Series | list[Series]

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r'|(?P<str>"[^"]*")|(?P<op>[-+*/^(),]))'
)
_POINTWISE: dict[str, Callable[[float], float]] = {
    "ABS": abs,
    "CEIL": math.ceil,
    "FLOOR": math.floor,
    "SQRT": math.sqrt,
    "LOG": math.log,
    "LOG10": math.log10,
}
_AGGREGATES: dict[str, Callable[[list[float]], float]] = {
    "SUM": sum,
    "AVG": lambda xs: sum(xs) / len(xs),
    "MIN": min,
    "MAX": max,
}


def tokenize(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"Unrecognized token at position {pos + 1}: {text[pos:]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent over the tokens, building nested tuples."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExpressionError(f"Expected {value or 'more input'} at token {self.i + 1}")
        self.i += 1
        return tok

    def parse(self) -> Any:
        tree = self.sum()
        if self.peek() is not None:
            raise ExpressionError(f"Unexpected {self.peek()[1]!r} at token {self.i + 1}")
        return tree

    def sum(self) -> Any:
        left = self.product()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            left = ("bin", tok[1], left, self.product())
        return left

    def product(self) -> Any:
        left = self.unary()
        while (tok := self.peek()) and tok[1] in "*/" and tok[0] == "op":
            self.take()
            left = ("bin", tok[1], left, self.unary())
        return left

    def unary(self) -> Any:
        tok = self.peek()
        if tok is not None and tok == ("op", "-"):
            self.take()
            return ("bin", "*", ("num", -1.0), self.unary())
        base = self.atom()
        if self.peek() == ("op", "^"):
            self.take()
            return ("bin", "^", base, self.unary())
        return base

    def atom(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return ("num", float(text))
        if kind == "str":
            return ("str", text[1:-1])
        if kind == "name":
            if self.peek() == ("op", "("):
                self.take()
                args = []
                if self.peek() != ("op", ")"):
                    args.append(self.sum())
                    while self.peek() == ("op", ","):
                        self.take()
                        args.append(self.sum())
                self.take(")")
                return ("call", text.upper(), args)
            return ("id", text)
        if text == "(":
            inner = self.sum()
            self.take(")")
            return inner
        raise ExpressionError(f"Unexpected {text!r} at token {self.i}")


def parse(text: str) -> Any:
    return _Parser(text).parse()


def references(tree: Any) -> set[str]:
    """The query ids an expression reads (METRICS() reads every metric query)."""
    kind = tree[0]
    if kind == "id":
        return {tree[1]}
    if kind == "bin":
        return references(tree[2]) | references(tree[3])
    if kind == "call":
        return set().union(*(references(a) for a in tree[2])) if tree[2] else set()
    return set()


@dataclass
class Context:
    resolve: Callable[[str], Series]  # another query's result, by id
    metrics: Callable[[], list[Series]]  # every MetricStat query's result
    grid: list[float]  # every period start in the requested range


def evaluate(tree: Any, ctx: Context) -> Value:
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "str":
        raise ExpressionError(f'A string ("{tree[1]}") may only be a METRICS() filter')
    if kind == "id":
        return ctx.resolve(tree[1])
    if kind == "bin":
        return _binary(tree[1], evaluate(tree[2], ctx), evaluate(tree[3], ctx))
    return _call(tree[1], tree[2], ctx)


def _call(name: str, args: list, ctx: Context) -> Value:
    if name == "METRICS":
        found = ctx.metrics()
        if args:
            if len(args) != 1 or args[0][0] != "str":
                raise ExpressionError("METRICS() takes one optional string")
            found = [s for s in found if args[0][1] in s.label]
        return found
    values = [evaluate(a, ctx) for a in args]
    if name in _AGGREGATES:
        return _aggregate(name, values)
    if name in _POINTWISE:
        if len(values) != 1:
            raise ExpressionError(f"{name} takes one argument")
        return _map(values[0], _POINTWISE[name])
    if name == "FILL":
        if len(values) != 2 or not isinstance(values[1], (int, float)):
            raise ExpressionError("FILL takes a time series and a number")
        fill = float(values[1])
        return _each(
            values[0],
            lambda s: Series(s.label, {t: s.points.get(t, fill) for t in ctx.grid}),
        )
    raise ExpressionError(f"Strato does not support the function {name}")


def _aggregate(name: str, values: list[Value]) -> Value:
    fn = _AGGREGATES[name]
    if len(values) == 1 and isinstance(values[0], Series):
        points = list(values[0].points.values())
        return fn(points) if points else math.nan
    series: list[Series] = []
    for v in values:
        if isinstance(v, Series):
            series.append(v)
        elif isinstance(v, list):
            series.extend(v)
        else:
            raise ExpressionError(f"{name} takes time series")
    stamps = sorted({t for s in series for t in s.points})
    out = Series(name.lower())
    for t in stamps:
        present = [s.points[t] for s in series if t in s.points]
        out.points[t] = fn(present)
    return out


def _each(value: Value, fn: Callable[[Series], Series]) -> Value:
    if isinstance(value, list):
        return [fn(s) for s in value]
    if isinstance(value, Series):
        return fn(value)
    raise ExpressionError("expected a time series")


def _map(value: Value, fn: Callable[[float], float]) -> Value:
    if isinstance(value, (int, float)):
        return _safe(fn, value)
    return _each(
        value,
        lambda s: Series(
            s.label, {t: r for t, v in s.points.items() if (r := _safe(fn, v)) is not None}
        ),
    )


def _safe(fn: Callable[..., float], *args: float) -> float | None:
    try:
        result = float(fn(*args))
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return result if math.isfinite(result) else None


_OPS: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "^": lambda a, b: a**b,
}


def _binary(op: str, left: Value, right: Value) -> Value:
    fn = _OPS[op]
    if isinstance(left, list):
        return [_binary(op, s, right) for s in left]
    if isinstance(right, list):
        return [_binary(op, left, s) for s in right]
    if isinstance(left, Series) and isinstance(right, Series):
        points = {}
        for t, a in left.points.items():
            if t in right.points and (r := _safe(fn, a, right.points[t])) is not None:
                points[t] = r
        return Series(left.label, points)
    if isinstance(left, Series):
        return _map(left, lambda a: fn(a, right))
    if isinstance(right, Series):
        return _map(right, lambda b: fn(left, b))
    result = _safe(fn, left, right)
    return math.nan if result is None else result
