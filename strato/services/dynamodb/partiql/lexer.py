"""Splitting a PartiQL statement into tokens: names, "quoted names", 'strings', numbers, `?`
and punctuation; `--` and `/* */` comments are skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import StatementSyntaxError

NAME = "name"  # an unquoted identifier or keyword
QUOTED = "quoted"  # a "double-quoted" identifier
STRING = "string"  # a 'single-quoted' string
NUMBER = "number"
PARAM = "?"
EOF = "eof"

_PUNCTUATION = ("<<", ">>", "<=", ">=", "<>", "!=", "=", "<", ">", "(", ")", "[", "]", "{", "}")
_PUNCTUATION += (",", ".", ":", "*", "+", "-", ";", "?")
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    at: int  # offset in the statement

    def is_keyword(self, *words: str) -> bool:
        return self.kind == NAME and self.text.upper() in words


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, end = 0, len(text)
    while i < end:
        space = _SPACE.match(text, i)
        if space:
            i = space.end()
            continue
        if text.startswith("--", i):
            newline = text.find("\n", i)
            i = end if newline < 0 else newline + 1
            continue
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                raise StatementSyntaxError("Unterminated comment")
            i = close + 2
            continue
        char = text[i]
        if char in "'\"":
            value, i_next = _quoted(text, i, char)
            tokens.append(Token(STRING if char == "'" else QUOTED, value, i))
            i = i_next
            continue
        if char == "`":
            raise StatementSyntaxError("Ion literals are not supported")
        number = _NUMBER.match(text, i)
        if number:
            tokens.append(Token(NUMBER, number.group(), i))
            i = number.end()
            continue
        name = _NAME.match(text, i)
        if name:
            tokens.append(Token(NAME, name.group(), i))
            i = name.end()
            continue
        for mark in _PUNCTUATION:
            if text.startswith(mark, i):
                tokens.append(Token(mark, mark, i))
                i += len(mark)
                break
        else:
            raise StatementSyntaxError(f"Unexpected character: {char}")
    tokens.append(Token(EOF, "", end))
    return tokens


def _quoted(text: str, start: int, quote: str) -> tuple[str, int]:
    """The text of a quoted string or name (a doubled quote stands for one) and where it ends."""
    parts: list[str] = []
    i = start + 1
    while True:
        close = text.find(quote, i)
        if close < 0:
            kind = "string" if quote == "'" else "quoted identifier"
            raise StatementSyntaxError(f"Unterminated {kind}")
        parts.append(text[i:close])
        if text.startswith(quote * 2, close):
            parts.append(quote)
            i = close + 2
            continue
        return "".join(parts), close + 1
