"""Recursive-descent grammar of update expressions.

    update  := section+
    section := "SET" set ("," set)* | "REMOVE" path ("," path)*
             | "ADD" path :value ("," path :value)* | "DELETE" path :value ("," ...)*
    set     := path "=" value
    value   := term | "(" term ")"
    term    := operand (("+" | "-") operand)?
    operand := "(" operand ")" | name "(" operand ("," operand)* ")" | :value | path

Clause keywords are case-insensitive and are never attribute names.
"""

from __future__ import annotations

from typing import Any

from .condition_grammar import path
from .nodes import Arithmetic
from .syntax import Backtrack, Call, Parens, Placeholder, TokenStream
from .tokens import NAME, PLACEHOLDER

CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")


class UpdateGrammar:
    def __init__(self, stream: TokenStream) -> None:
        self.s = stream

    def update(self) -> list[tuple[str, list[Any]]]:
        """[(clause, items)], clauses in order of appearance (repeats kept for the checker)."""
        sections = [self.section()]
        while self.s.at_keyword(*CLAUSES):
            sections.append(self.section())
        return sections

    def section(self) -> tuple[str, list[Any]]:
        if not self.s.at_keyword(*CLAUSES):
            raise self.s.fail()
        clause = self.s.advance().text.upper()
        items = [self.action(clause)]
        while self.s.accept(","):
            items.append(self.action(clause))
        return clause, items

    def action(self, clause: str) -> Any:
        target = path(self.s, CLAUSES)
        if clause == "SET":
            self.s.expect("=")
            return target, self.value()
        if clause == "REMOVE":
            return target, None
        return target, Placeholder(self.s.expect(PLACEHOLDER).text)

    def value(self) -> Any:
        saved = self.s.pos
        try:
            return self.term()
        except Backtrack:
            self.s.pos = saved
        self.s.expect("(")
        inner = self.term()
        self.s.expect(")")
        return inner

    def term(self) -> Any:
        left = self.operand()
        kind = self.s.peek().kind
        if kind in ("+", "-"):
            self.s.advance()
            return Arithmetic(kind, left, self.operand())
        return left

    def operand(self) -> Any:
        token = self.s.peek()
        if token.kind == "(":
            self.s.advance()
            inner = self.operand()
            self.s.expect(")")
            return Parens(inner)
        if token.kind == PLACEHOLDER:
            self.s.advance()
            return Placeholder(token.text)
        if token.kind == NAME and self.s.peek(1).kind == "(" and not self.s.at_keyword(*CLAUSES):
            self.s.advance()
            self.s.advance()
            args = [self.operand()]
            while self.s.accept(","):
                args.append(self.operand())
            self.s.expect(")")
            return Call(token.text, tuple(args))
        return path(self.s, CLAUSES)
