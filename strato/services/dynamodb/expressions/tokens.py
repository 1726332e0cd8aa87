"""The lexer shared by every expression grammar."""

from __future__ import annotations

from dataclasses import dataclass

NAME = "NAME"  # attribute name or keyword: [A-Za-z_][A-Za-z0-9_]*
NUMBER = "NUMBER"  # list index digits
ALIAS = "ALIAS"  # #name
PLACEHOLDER = "PLACEHOLDER"  # :value
EOF = "EOF"
INVALID = "INVALID"  # any character no grammar accepts
PUNCTUATION = ("<>", "<=", ">=", "<", ">", "=", "(", ")", "[", "]", ",", ".", "+", "-")

_WHITESPACE = frozenset(" \t\r\n\f\v")
_WORD_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_DIGITS = frozenset("0123456789")
_WORD = _WORD_START | _DIGITS
_PAIRS = frozenset(mark for mark in PUNCTUATION if len(mark) == 2)
_SINGLES = frozenset(mark for mark in PUNCTUATION if len(mark) == 1)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # one of the constants above, or the punctuation itself
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Tokens of `text`, always ending with an EOF token; never fails."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in _WHITESPACE:
            i += 1
            continue
        if char in _WORD_START:
            kind, end = NAME, _scan(text, i + 1, _WORD)
        elif char in _DIGITS:
            kind, end = NUMBER, _scan(text, i + 1, _DIGITS)
        elif char in "#:" and i + 1 < n and text[i + 1] in _WORD:
            kind, end = (ALIAS if char == "#" else PLACEHOLDER), _scan(text, i + 1, _WORD)
        elif text[i : i + 2] in _PAIRS:
            kind, end = text[i : i + 2], i + 2
        elif char in _SINGLES:
            kind, end = char, i + 1
        else:
            kind, end = INVALID, i + 1
        tokens.append(Token(kind, text[i:end], i, end))
        i = end
    tokens.append(Token(EOF, "<EOF>", n, n))
    return tokens


def _scan(text: str, i: int, allowed: frozenset[str]) -> int:
    while i < len(text) and text[i] in allowed:
        i += 1
    return i
