"""Just enough GraphQL: parse `{ product(id: "1") { name price reviews { rating } } }`.

Fields, arguments with literal values, nested selections, an optional `query Name`
prefix and comments. No fragments, variables, aliases or directives: a graphlet this small
does not need a GraphQL library.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""(?P<skip>[\s,]+|\#[^\n]*)
      | (?P<punct>[{}():])
      | (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
      | (?P<name>[_A-Za-z][_0-9A-Za-z]*)""",
    re.VERBOSE,
)
_KEYWORDS = {"true": True, "false": False, "null": None}


class QuerySyntaxError(ValueError):
    pass


@dataclass
class Field:
    name: str
    args: dict = field(default_factory=dict)
    selections: list[Field] = field(default_factory=list)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise QuerySyntaxError(f"Syntax Error: Unexpected character {text[pos]!r} at {pos}.")
        if m.lastgroup != "skip":
            tokens.append((m.lastgroup, m.group()))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            found = "<EOF>" if token is None else repr(token[1])
            raise QuerySyntaxError(f"Syntax Error: Expected {value or kind}, found {found}.")
        self.i += 1
        return token[1]

    def document(self) -> list[Field]:
        if self.peek() == ("name", "query"):
            self.i += 1
            if self.peek() and self.peek()[0] == "name":
                self.i += 1
        selections = self.selection_set()
        if self.peek() is not None:
            raise QuerySyntaxError(f"Syntax Error: Unexpected {self.peek()[1]!r}.")
        return selections

    def selection_set(self) -> list[Field]:
        self.take("punct", "{")
        fields = [self.field()]
        while self.peek() != ("punct", "}"):
            fields.append(self.field())
        self.take("punct", "}")
        return fields

    def field(self) -> Field:
        f = Field(self.take("name"))
        if self.peek() == ("punct", "("):
            self.take("punct", "(")
            while self.peek() != ("punct", ")"):
                name = self.take("name")
                self.take("punct", ":")
                f.args[name] = self.value()
            self.take("punct", ")")
        if self.peek() == ("punct", "{"):
            f.selections = self.selection_set()
        return f

    def value(self):
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("Syntax Error: Expected a value, found <EOF>.")
        self.i += 1
        kind, text = token
        if kind in ("string", "number"):
            return json.loads(text)
        if kind == "name" and text in _KEYWORDS:
            return _KEYWORDS[text]
        raise QuerySyntaxError(f"Syntax Error: Unexpected {text!r} where a value belongs.")


def parse(text: str) -> list[Field]:
    """The top-level fields of a query, or QuerySyntaxError."""
    return _Parser(text).document()
