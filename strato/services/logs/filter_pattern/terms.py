"""Term patterns for unstructured events: `ERROR "bad request" ?WARN -DEBUG`.

    terms := term (whitespace term)*
    term  := ("?" | "-")? (quoted phrase | word)

Matching is case-sensitive and by substring. Every plain term must appear; a `-` term
must not. `?` terms are alternatives: at least one must appear, unless the pattern also
has plain terms, in which case (as CloudWatch does) the `?` terms are ignored. A phrase
of only whitespace (`" "`) matches every event.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FilterPatternError
from .lexer import read_quoted


@dataclass(frozen=True)
class TermPattern:
    required: tuple[str, ...]
    optional: tuple[str, ...]
    excluded: tuple[str, ...]

    def matches(self, message: str) -> bool:
        if any(t in message for t in self.excluded):
            return False
        if self.required:
            return all(t in message for t in self.required)
        return not self.optional or any(t in message for t in self.optional)


def parse_terms(text: str) -> TermPattern:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        target = required
        if text[i] in "?-":
            target = optional if text[i] == "?" else excluded
            i += 1
            if i == n or text[i].isspace():
                raise FilterPatternError(f"{text[start]!r} without a term at {start}")
        if text[i] == '"':
            term, i = read_quoted(text, i)
            if i < n and not text[i].isspace():
                raise FilterPatternError(f"text right after a closing quote at {i}")
            if not term.strip():
                # `" "` is CloudWatch's way to write "every event".
                if target is not excluded:
                    continue
        else:
            j = i
            while j < n and not text[j].isspace():
                if text[j] == '"':
                    raise FilterPatternError(f"quote inside a term at {j}")
                j += 1
            term, i = text[i:j], j
        target.append(term)
    return TermPattern(tuple(required), tuple(optional), tuple(excluded))
