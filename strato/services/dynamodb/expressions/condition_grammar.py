"""Recursive-descent grammar of condition, filter and key condition expressions.

    condition := or
    or        := and ("OR" and)*
    and       := not ("AND" not)*
    not       := "NOT" not | primary
    primary   := simple | "(" or ")"
    simple    := operand comparator operand
               | operand "BETWEEN" operand "AND" operand
               | operand "IN" "(" operand ("," operand)* ")"
               | call
    operand   := "(" operand ")" | call | :value | path
    call      := name "(" operand ("," operand)* ")"
    path      := (name | #name) ("[" digits "]" | "." (name | #name))*

Keywords are case-insensitive. `simple` is tried before a parenthesised condition so
that "(a) = :v" and "(size(a)) > :v" read as comparisons.
"""

from __future__ import annotations

from typing import Any

from .nodes import And, Between, Comparison, In, Not, Or
from .syntax import Alias, Backtrack, Call, Parens, Placeholder, RawPath, TokenStream
from .tokens import ALIAS, NAME, NUMBER, PLACEHOLDER

COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
KEYWORDS = ("AND", "OR", "NOT", "BETWEEN", "IN")


class ConditionGrammar:
    def __init__(self, stream: TokenStream) -> None:
        self.s = stream

    def condition(self) -> Any:
        return self.or_()

    def or_(self) -> Any:
        node = self.and_()
        while self.s.at_keyword("OR"):
            self.s.advance()
            node = Or(node, self.and_())
        return node

    def and_(self) -> Any:
        node = self.not_()
        while self.s.at_keyword("AND"):
            self.s.advance()
            node = And(node, self.not_())
        return node

    def not_(self) -> Any:
        if self.s.at_keyword("NOT"):
            self.s.advance()
            return Not(self.not_())
        return self.primary()

    def primary(self) -> Any:
        saved = self.s.pos
        try:
            return self.simple()
        except Backtrack:
            self.s.pos = saved
        if self.s.peek().kind != "(":
            raise self.s.fail()
        self.s.advance()
        inner = self.or_()
        self.s.expect(")")
        return Parens(inner)

    def simple(self) -> Any:
        left = self.operand()
        kind = self.s.peek().kind
        if kind in COMPARATORS:
            self.s.advance()
            return Comparison(kind, left, self.operand())
        if self.s.at_keyword("BETWEEN"):
            self.s.advance()
            low = self.operand()
            self.s.expect_keyword("AND")
            return Between(left, low, self.operand())
        if self.s.at_keyword("IN"):
            self.s.advance()
            self.s.expect("(")
            return In(left, self.operand_list())
        if isinstance(left, Call):
            return left
        raise self.s.fail()

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
        if token.kind == NAME and self.s.peek(1).kind == "(" and not self.s.at_keyword(*KEYWORDS):
            self.s.advance()
            self.s.advance()
            return Call(token.text, self.operand_list())
        return path(self.s, KEYWORDS)

    def operand_list(self) -> tuple[Any, ...]:
        """Operands separated by commas, through the closing parenthesis."""
        items = [self.operand()]
        while self.s.accept(","):
            items.append(self.operand())
        self.s.expect(")")
        return tuple(items)


def path(s: TokenStream, keywords: tuple[str, ...]) -> RawPath:
    """A document path; names equal to the grammar's keywords are not attribute names."""
    elements: list[str | int | Alias] = [_path_name(s, keywords)]
    while True:
        if s.accept("."):
            elements.append(_path_name(s, keywords))
        elif s.accept("["):
            elements.append(int(s.expect(NUMBER).text))
            s.expect("]")
        else:
            return RawPath(tuple(elements))


def _path_name(s: TokenStream, keywords: tuple[str, ...]) -> str | Alias:
    token = s.peek()
    if token.kind == ALIAS:
        s.advance()
        return Alias(token.text)
    if token.kind == NAME and not s.at_keyword(*keywords):
        s.advance()
        return token.text
    raise s.fail()
