"""Walking a statement's tokens: look ahead, take, expect, and fail with AWS's wording."""

from __future__ import annotations

from .errors import StatementSyntaxError
from .lexer import EOF, NAME, QUOTED, Token

# Words of the grammar; unquoted, they never name a table or an attribute.
KEYWORDS = frozenset(
    "SELECT FROM WHERE AND OR NOT IN BETWEEN IS MISSING NULL TRUE FALSE INSERT INTO VALUE "
    "VALUES UPDATE SET REMOVE DELETE ORDER BY ASC DESC RETURNING EXISTS LIMIT AS AT".split()
)


class TokenStream:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        if token.kind != EOF:
            self.pos += 1
        return token

    def accept(self, kind: str) -> bool:
        if self.peek().kind == kind:
            self.advance()
            return True
        return False

    def accept_keyword(self, *words: str) -> str | None:
        token = self.peek()
        if token.is_keyword(*words):
            self.advance()
            return token.text.upper()
        return None

    def expect(self, kind: str) -> Token:
        if self.peek().kind != kind:
            raise self.unexpected()
        return self.advance()

    def expect_keyword(self, word: str) -> None:
        if not self.accept_keyword(word):
            raise self.unexpected()

    def at_name(self, ahead: int = 0) -> bool:
        """Whether the token is an attribute or table name (quoted, or an unreserved word)."""
        token = self.peek(ahead)
        return token.kind == QUOTED or (token.kind == NAME and token.text.upper() not in KEYWORDS)

    def at_call(self) -> bool:
        """Whether a function call starts here: an unquoted name, then "("."""
        return self.peek().kind == NAME and self.peek(1).kind == "("

    def name(self) -> str:
        if not self.at_name():
            raise self.unexpected()
        return self.advance().text

    def unexpected(self) -> StatementSyntaxError:
        token = self.peek()
        if token.kind == EOF:
            return StatementSyntaxError("Unexpected end of statement")
        if token.kind == NAME and token.text.upper() in KEYWORDS:
            return StatementSyntaxError("Unexpected keyword")
        return StatementSyntaxError("Unexpected token")
