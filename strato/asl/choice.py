"""Choice rules (JSONPath mode): every comparison operator, And/Or/Not, Is* tests."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from strato.asl.errors import RUNTIME, ExecutionError, PathNotFound
from strato.asl.payload import Scope

_TYPES = ("String", "Numeric", "Boolean", "Timestamp")
_OPS = ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
COMPARISONS = frozenset(
    [f"{t}{o}" for t in _TYPES for o in _OPS]
    + [f"{t}{o}Path" for t in _TYPES for o in _OPS]
    + ["BooleanEquals", "BooleanEqualsPath", "StringMatches"]
    + ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"]
)

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)


def parse_timestamp(value: Any) -> datetime | None:
    """RFC 3339 with an offset, as AWS requires; None when it is not one."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    text = value.replace("Z", "+00:00")
    frac = re.search(r"\.(\d+)", text)
    if frac:
        text = text.replace(frac.group(0), "." + frac.group(1)[:6].ljust(6, "0"))
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def evaluate(rule: dict, scope: Scope) -> bool:
    """True when the rule (a Choices entry or a nested condition) matches."""
    if "And" in rule:
        return all(evaluate(r, scope) for r in rule["And"])
    if "Or" in rule:
        return any(evaluate(r, scope) for r in rule["Or"])
    if "Not" in rule:
        return not evaluate(rule["Not"], scope)
    variable = rule.get("Variable")
    op = next((k for k in rule if k in COMPARISONS), None)
    if op is None or variable is None:
        raise ExecutionError(RUNTIME, "A Choice rule has no comparison operator")
    expected = rule[op]
    try:
        value = scope.read(variable)
        present = True
    except PathNotFound:
        value, present = None, False
    if op == "IsPresent":
        return present is bool(expected)
    if not present:
        raise ExecutionError(
            RUNTIME,
            f"Invalid path '{variable}': The choice state's condition path references an "
            "invalid value.",
        )
    if op.endswith("Path"):
        try:
            expected = scope.read(expected)
        except PathNotFound as exc:
            raise ExecutionError(
                RUNTIME,
                f"Invalid path '{rule[op]}': The choice state's condition path references an "
                "invalid value.",
            ) from exc
        op = op[: -len("Path")]
    return _compare(op, value, expected)


def _compare(op: str, value: Any, expected: Any) -> bool:
    if op == "IsNull":
        return (value is None) is bool(expected)
    if op == "IsNumeric":
        return _is_number(value) is bool(expected)
    if op == "IsString":
        return isinstance(value, str) is bool(expected)
    if op == "IsBoolean":
        return isinstance(value, bool) is bool(expected)
    if op == "IsTimestamp":
        return (parse_timestamp(value) is not None) is bool(expected)
    if op == "StringMatches":
        return isinstance(value, str) and isinstance(expected, str) and _matches(value, expected)
    if op == "BooleanEquals":
        return isinstance(value, bool) and isinstance(expected, bool) and value is expected
    for kind in _TYPES:
        if op.startswith(kind):
            return _ordered(kind, op[len(kind) :], value, expected)
    return False


def _ordered(kind: str, rel: str, a: Any, b: Any) -> bool:
    if kind == "String":
        if not (isinstance(a, str) and isinstance(b, str)):
            return False
    elif kind == "Numeric":
        if not (_is_number(a) and _is_number(b)):
            return False
    elif kind == "Boolean":
        if not (isinstance(a, bool) and isinstance(b, bool)):
            return False
    else:
        a, b = parse_timestamp(a), parse_timestamp(b)
        if a is None or b is None:
            return False
    if rel == "Equals":
        return a == b
    if rel == "LessThan":
        return a < b
    if rel == "GreaterThan":
        return a > b
    if rel == "LessThanEquals":
        return a <= b
    return a >= b


def _matches(value: str, pattern: str) -> bool:
    """`*` matches any run of characters; `\\*` and `\\\\` are literal."""
    regex, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            regex += re.escape(pattern[i + 1])
            i += 2
            continue
        regex += ".*" if c == "*" else re.escape(c)
        i += 1
    return re.fullmatch(regex, value, flags=re.S) is not None
