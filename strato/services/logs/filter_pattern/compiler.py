"""Which of the four pattern forms a text is, compiled once and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from .delimited import parse_delimited_pattern
from .errors import FilterPatternError
from .json_pattern import parse_json_pattern
from .terms import parse_terms
from .values import compile_regex

MAX_PATTERN_LENGTH = 1024


class FilterPattern(Protocol):
    def matches(self, message: str) -> bool: ...


@dataclass(frozen=True)
class RegexPattern:
    """`%regex%` as the whole pattern: events in which the expression finds a match."""

    source: str

    def matches(self, message: str) -> bool:
        return compile_regex(self.source).search(message) is not None


@lru_cache(maxsize=512)
def compile_pattern(text: str) -> FilterPattern:
    """Parse a filter pattern, or raise FilterPatternError. The empty pattern matches everything."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise FilterPatternError(f"longer than {MAX_PATTERN_LENGTH} characters")
    body = text.strip()
    if body.startswith("{"):
        return parse_json_pattern(body)
    if body.startswith("["):
        return parse_delimited_pattern(body)
    if len(body) >= 2 and body[0] == "%" and body[-1] == "%" and "%" not in body[1:-1]:
        compile_regex(body[1:-1])
        return RegexPattern(body[1:-1])
    return parse_terms(body)
