"""Comparing one value against a pattern's literal: wildcard strings, numbers and regexes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import FilterPatternError

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_REGEX_FORBIDDEN = "()"  # AWS rejects subpatterns (capture groups) in filter regexes


def parse_number(text: str) -> float | None:
    """The numeric value of `text`, or None if it is not a plain decimal number."""
    if not _NUMBER.fullmatch(text):
        return None
    return float(text)


@cache
def wildcard_regex(text: str) -> re.Pattern[str]:
    """`*` matches any run of characters; everything else is literal; the whole value must match."""
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)


@cache
def compile_regex(body: str) -> re.Pattern[str]:
    if not body or any(c in body for c in _REGEX_FORBIDDEN):
        raise FilterPatternError(f"unsupported regular expression %{body}%")
    try:
        return re.compile(body)
    except re.error as e:
        raise FilterPatternError(f"bad regular expression %{body}%: {e}") from e


@dataclass(frozen=True)
class Literal:
    """The right-hand side of a comparison, as written in the pattern."""

    kind: str  # "string" (quoted, may hold *), "word" (bare), "regex"
    text: str

    @property
    def number(self) -> float | None:
        return parse_number(self.text) if self.kind == "word" else None


_NUMERIC_OPS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def check_comparison(op: str, literal: Literal) -> None:
    """Reject comparisons AWS rejects: ordering against anything but a number."""
    if op in ("=", "!="):
        if literal.kind == "regex":
            compile_regex(literal.text)
        return
    if literal.number is None:
        raise FilterPatternError(f"{op} needs a number, not {literal.text!r}")


def compare_text(value: str, op: str, literal: Literal) -> bool:
    """Compare a field of a space-delimited event (always text) with the literal."""
    number = literal.number
    if number is not None:
        field = parse_number(value)
        return field is not None and _NUMERIC_OPS[op](field, number)
    matched = _string_matches(value, literal)
    return matched if op == "=" else not matched


def compare_json(value: Any, op: str, literal: Literal) -> bool:
    """Compare a value selected from a JSON event with the literal; a missing field never matches."""
    number = literal.number
    if number is not None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return _NUMERIC_OPS[op](float(value), number)
    if not isinstance(value, str):
        return False
    matched = _string_matches(value, literal)
    return matched if op == "=" else not matched


def _string_matches(value: str, literal: Literal) -> bool:
    if literal.kind == "regex":
        return compile_regex(literal.text).search(value) is not None
    if "*" in literal.text:
        return wildcard_regex(literal.text).fullmatch(value) is not None
    return value == literal.text
