"""The compiled form of a filter pattern: small immutable nodes that test one event each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .values import Literal, compare_json, compare_text

MISSING = object()  # a JSON selector that leads nowhere


# -- boolean structure shared by JSON and space-delimited patterns -------------
@dataclass(frozen=True)
class All:
    parts: tuple

    def test(self, subject: Any) -> bool:
        return all(p.test(subject) for p in self.parts)


@dataclass(frozen=True)
class Any_:
    parts: tuple

    def test(self, subject: Any) -> bool:
        return any(p.test(subject) for p in self.parts)


# -- JSON ----------------------------------------------------------------------
@dataclass(frozen=True)
class Selector:
    """`$.a.b[0].c` as its steps: str for a member, int for an array index."""

    steps: tuple[str | int, ...]
    text: str

    def select(self, doc: Any) -> Any:
        cur = doc
        for step in self.steps:
            if isinstance(step, int):
                if not isinstance(cur, list) or step >= len(cur):
                    return MISSING
            elif not isinstance(cur, dict) or step not in cur:
                return MISSING
            cur = cur[step]
        return cur


@dataclass(frozen=True)
class JsonCompare:
    selector: Selector
    op: str
    literal: Literal

    def test(self, doc: Any) -> bool:
        value = self.selector.select(doc)
        return value is not MISSING and compare_json(value, self.op, self.literal)


@dataclass(frozen=True)
class JsonCheck:
    """`IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`."""

    selector: Selector
    check: str  # "null" | "true" | "false" | "missing"

    def test(self, doc: Any) -> bool:
        value = self.selector.select(doc)
        if self.check == "missing":
            return value is MISSING
        if self.check == "null":
            return value is None
        return value is (self.check == "true")


# -- space-delimited -----------------------------------------------------------
@dataclass(frozen=True)
class FieldCompare:
    name: str
    op: str
    literal: Literal

    def test(self, field: str) -> bool:
        return compare_text(field, self.op, self.literal)
