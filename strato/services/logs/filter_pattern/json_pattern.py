"""JSON filter patterns: `{ $.a = "x" && ($.n > 5 || $.b IS TRUE) }`.

    json_pattern := "{" or_expr "}"
    or_expr      := and_expr ("||" and_expr)*
    and_expr     := atom ("&&" atom)*
    atom         := "(" or_expr ")" | selector test
    test         := ("=" | "!=") value
                  | ("<" | "<=" | ">" | ">=") number
                  | "IS" ("NULL" | "TRUE" | "FALSE") | "NOT" "EXISTS"
    selector     := "$" ("." name | "[" digits "]")+
    value        := quoted string (may hold *) | %regex% | bare word (number or string, may hold *)

`&&` binds tighter than `||`. A comparison with a field the event lacks is false
(use NOT EXISTS to test for absence); string comparisons only match JSON strings and
numeric ones only JSON numbers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .ast import All, Any_, JsonCheck, JsonCompare, Selector
from .errors import FilterPatternError
from .lexer import TokenStream, tokenize
from .values import Literal, check_comparison

_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_CHECKS = {("IS", "NULL"): "null", ("IS", "TRUE"): "true", ("IS", "FALSE"): "false"}
_CHECKS[("NOT", "EXISTS")] = "missing"


@dataclass(frozen=True)
class JsonPattern:
    expr: Any

    def matches(self, message: str) -> bool:
        try:
            doc = json.loads(message)
        except ValueError:
            return False
        if not isinstance(doc, (dict, list)):
            return False
        return self.expr.test(doc)


def parse_json_pattern(text: str) -> JsonPattern:
    ts = TokenStream(tokenize(text))
    ts.take("{")
    expr = _or(ts)
    ts.take("}")
    if not ts.done():
        raise FilterPatternError("text after the closing '}'")
    return JsonPattern(expr)


def parse_selector(text: str) -> Selector:
    steps: list[str | int] = []
    i = 1
    while i < len(text):
        m = _STEP.match(text, i)
        if m is None:
            raise FilterPatternError(f"bad selector {text!r}")
        steps.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        i = m.end()
    if not steps:
        raise FilterPatternError(f"bad selector {text!r}")
    return Selector(tuple(steps), text)


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
    selector = parse_selector(ts.take("selector").text)
    word = ts.accept("word")
    if word is not None:
        second = ts.take("word").text
        check = _CHECKS.get((word.text, second))
        if check is None:
            raise FilterPatternError(f"unknown test {word.text} {second}")
        return JsonCheck(selector, check)
    op = ts.take("op").text
    literal = read_literal(ts)
    check_comparison(op, literal)
    return JsonCompare(selector, op, literal)


def read_literal(ts: TokenStream) -> Literal:
    for kind in ("string", "regex", "word"):
        tok = ts.accept(kind)
        if tok is not None:
            return Literal(kind, tok.text)
    tok = ts.peek()
    raise FilterPatternError(f"expected a value, found {'the end' if tok is None else tok.text!r}")
