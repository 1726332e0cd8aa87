"""What the parsers produce before names and values are resolved and checked.

Parsers only decide syntax; each grammar's checker then resolves #names and :values,
applies AWS's semantic rules in AWS's order, and builds the final nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import DynamoValidationError
from .tokens import EOF, NAME, Token, tokenize


@dataclass(frozen=True, slots=True)
class Alias:
    name: str  # "#x"


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str  # ":x"


@dataclass(frozen=True, slots=True)
class RawPath:
    elements: tuple[str | int | Alias, ...]


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Parens:
    """Parentheses kept until the checker has looked for redundant ones."""

    inner: Any


class Backtrack(Exception):
    """A grammar alternative did not match; the parser tries the next one."""


class TokenStream:
    """Tokens with a cursor, backtracking, and AWS's syntax error for the furthest failure."""

    def __init__(self, text: str, kind: str) -> None:
        self.text = text
        self.kind = kind
        self.tokens = tokenize(text)
        self.pos = 0
        self.furthest = 0

    def peek(self, offset: int = 0) -> Token:
        if offset:
            return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]
        return self.tokens[self.pos]  # pos never passes the final EOF token

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != EOF:
            self.pos += 1
        return token

    def fail(self) -> Backtrack:
        self.furthest = max(self.furthest, self.pos)
        return Backtrack()

    def expect(self, kind: str) -> Token:
        if self.peek().kind != kind:
            raise self.fail()
        return self.advance()

    def accept(self, kind: str) -> Token | None:
        return self.advance() if self.peek().kind == kind else None

    def at_keyword(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == NAME and token.text.upper() in words

    def expect_keyword(self, word: str) -> Token:
        if not self.at_keyword(word):
            raise self.fail()
        return self.advance()

    def syntax_error(self) -> DynamoValidationError:
        """AWS's message: the offending token and the text from the token before to the one after."""
        index = max(self.furthest, self.pos)
        token = self.tokens[index]
        start = self.tokens[index - 1].start if index > 0 else token.start
        after = self.tokens[index + 1] if index + 1 < len(self.tokens) else token
        end = after.end if token.kind != EOF and after.kind != EOF else token.end
        near = self.text[start:end]
        return DynamoValidationError(
            f'Invalid {self.kind}: Syntax error; token: "{token.text}", near: "{near}"'
        )


def parse_with(stream: TokenStream, rule: Any) -> Any:
    """Run a grammar's start rule over the whole stream, or raise AWS's syntax error."""
    try:
        result = rule()
        stream.expect(EOF)
    except Backtrack:
        raise stream.syntax_error() from None
    return result


def check_length(text: str, kind: str) -> None:
    """AWS's checks on the raw expression string, before any parsing."""
    if text == "":
        raise DynamoValidationError(f"Invalid {kind}: The expression can not be empty;")
    size = len(text.encode())
    if size > 4096:
        raise DynamoValidationError(
            f"Invalid {kind}: Expression size has exceeded the maximum allowed size; "
            f"expression size: {size}"
        )
