"""Tokens of the structured filter patterns: JSON `{ ... }` and space-delimited `[ ... ]`."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FilterPatternError

# Kinds: "op" (= != < <= > >=), "and", "or", "(", ")", "{", "}", "[", "]", ",",
# "ellipsis", "string" (quoted), "regex" (%...%), "selector" ($...), "word" (anything bare).
_PUNCT = {"(": "(", ")": ")", "{": "{", "}": "}", "[": "[", "]": "]", ",": ","}
_WORD_STOP = set(' \t\r\n(){}[],&|=!<>"%')
_SELECTOR_STOP = set(' \t\r\n(){},&|=!<>"%')


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def read_quoted(text: str, start: int) -> tuple[str, int]:
    """The contents of the double-quoted string at `start` (backslash escapes a character) and the index after it."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if c == '"':
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise FilterPatternError(f"unterminated quote at {start}")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("&&", i):
            tokens.append(Token("and", "&&", i))
            i += 2
        elif text.startswith("||", i):
            tokens.append(Token("or", "||", i))
            i += 2
        elif text.startswith("...", i):
            tokens.append(Token("ellipsis", "...", i))
            i += 3
        elif c in "!<>=":
            op = text[i : i + 2] if text[i + 1 : i + 2] == "=" and c != "=" else c
            if op == "!":
                raise FilterPatternError(f"'!' without '=' at {i}")
            tokens.append(Token("op", op, i))
            i += len(op)
        elif c in _PUNCT:
            tokens.append(Token(_PUNCT[c], c, i))
            i += 1
        elif c == '"':
            value, end = read_quoted(text, i)
            tokens.append(Token("string", value, i))
            i = end
        elif c == "%":
            end = text.find("%", i + 1)
            if end < 0:
                raise FilterPatternError(f"unterminated regular expression at {i}")
            tokens.append(Token("regex", text[i + 1 : end], i))
            i = end + 1
        elif c == "$":
            j = i + 1
            while j < n and text[j] not in _SELECTOR_STOP:
                j += 1
            tokens.append(Token("selector", text[i:j], i))
            i = j
        elif c in "&|":
            raise FilterPatternError(f"single {c!r} at {i}")
        else:
            j = i
            while j < n and text[j] not in _WORD_STOP:
                j += 1
            tokens.append(Token("word", text[i:j], i))
            i = j
    return tokens


class TokenStream:
    """A cursor over tokens with the look-ahead a recursive-descent parser needs."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def at(self, kind: str, text: str | None = None) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == kind and (text is None or tok.text == text)

    def take(self, kind: str, text: str | None = None) -> Token:
        tok = self.peek()
        if tok is None or tok.kind != kind or (text is not None and tok.text != text):
            found = "the end" if tok is None else repr(tok.text)
            raise FilterPatternError(f"expected {text or kind}, found {found}")
        self.i += 1
        return tok

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        return self.take(kind, text) if self.at(kind, text) else None

    def done(self) -> bool:
        return self.i >= len(self.tokens)
