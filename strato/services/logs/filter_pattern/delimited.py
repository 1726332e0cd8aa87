"""Space-delimited filter patterns: `[ip, user, ..., status = 4* || status = 5*, bytes > 1000]`.

    delimited := "[" slot ("," slot)* "]"
    slot      := "..." | name | or_expr            (every name in or_expr is the slot's own field)
    or_expr   := and_expr ("||" and_expr)*
    and_expr  := atom ("&&" atom)*
    atom      := "(" or_expr ")" | name op value

An event splits into fields at spaces; text inside "..." or [...] is one field (without
the quotes or brackets). Without `...` the event must have exactly as many fields as the
pattern has slots; each `...` stands for any number of fields (zero included).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .ast import All, Any_, FieldCompare
from .errors import FilterPatternError
from .json_pattern import read_literal
from .lexer import TokenStream, tokenize
from .values import check_comparison

_CLOSERS = {'"': '"', "[": "]"}


@dataclass(frozen=True)
class Slot:
    name: str | None  # None for "..."
    condition: Any = None


@dataclass(frozen=True)
class DelimitedPattern:
    slots: tuple[Slot, ...]

    def matches(self, message: str) -> bool:
        fields = split_fields(message)
        slots = self.slots

        # Conditions read only their own slot, so (slot, field) pairs can be memoised.
        @cache
        def align(si: int, fi: int) -> bool:
            if si == len(slots):
                return fi == len(fields)
            slot = slots[si]
            if slot.name is None:
                return any(align(si + 1, fj) for fj in range(fi, len(fields) + 1))
            if fi == len(fields):
                return False
            if slot.condition is not None and not slot.condition.test(fields[fi]):
                return False
            return align(si + 1, fi + 1)

        return align(0, 0)


def split_fields(message: str) -> list[str]:
    fields: list[str] = []
    i, n = 0, len(message)
    while i < n:
        c = message[i]
        if c.isspace():
            i += 1
            continue
        closer = _CLOSERS.get(c)
        if closer is not None:
            end = message.find(closer, i + 1)
            if end >= 0:
                fields.append(message[i + 1 : end])
                i = end + 1
                continue
        j = i
        while j < n and not message[j].isspace():
            j += 1
        fields.append(message[i:j])
        i = j
    return fields


def parse_delimited_pattern(text: str) -> DelimitedPattern:
    ts = TokenStream(tokenize(text))
    ts.take("[")
    slots = [_slot(ts)]
    while ts.accept(","):
        slots.append(_slot(ts))
    ts.take("]")
    if not ts.done():
        raise FilterPatternError("text after the closing ']'")
    return DelimitedPattern(tuple(slots))


def _slot(ts: TokenStream) -> Slot:
    if ts.accept("ellipsis"):
        return Slot(None)
    if ts.at("word") and (ts.peek(1) is None or ts.peek(1).kind in (",", "]")):
        return Slot(ts.take("word").text)
    condition = _or(ts)
    names = set(_references(condition))
    if len(names) != 1:
        raise FilterPatternError(f"one slot's condition names several fields: {sorted(names)}")
    return Slot(names.pop(), condition)


def _or(ts: TokenStream) -> Any:
    parts = [_and(ts)]
    while ts.accept("or"):
        parts.append(_and(ts))
    return parts[0] if len(parts) == 1 else Any_(tuple(parts))


def _and(ts: TokenStream) -> Any:
    parts = [_atom(ts)]
    while ts.accept("and"):
        parts.append(_atom(ts))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _atom(ts: TokenStream) -> Any:
    if ts.accept("("):
        expr = _or(ts)
        ts.take(")")
        return expr
    name = ts.take("word").text
    op = ts.take("op").text
    literal = read_literal(ts)
    check_comparison(op, literal)
    return FieldCompare(name, op, literal)


def _references(node: Any) -> list[str]:
    """Field names a condition reads, first one first."""
    if node is None:
        return []
    if isinstance(node, FieldCompare):
        return [node.name]
    return [ref for part in node.parts for ref in _references(part)]
