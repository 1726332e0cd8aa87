"""The `wildcard` operator: `*` matches any run of characters, `\\*` and `\\\\` escape."""

import re

from .errors import InvalidEventPattern


def compile_wildcard(text: str) -> re.Pattern[str]:
    """Validate like AWS (positions count UTF-8 bytes of the quoted value) and build a regex."""
    parts: list[str] = []
    literal: list[str] = []
    pos = 1  # AWS reports positions in '"' + text + '"'
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "*":
            if i + 1 < len(text) and text[i + 1] == "*":
                raise InvalidEventPattern(f"Consecutive wildcard characters at pos {pos}")
            parts.append(re.escape("".join(literal)))
            literal = []
            parts.append(".*")
        elif ch == "\\":
            nxt = text[i + 1] if i + 1 < len(text) else '"'
            if nxt not in "*\\":
                raise InvalidEventPattern(f"Invalid escape character at pos {pos}")
            literal.append(nxt)
            pos += 1
            i += 1
        else:
            literal.append(ch)
        pos += len(ch.encode("utf-8", "surrogatepass"))
        i += 1
    parts.append(re.escape("".join(literal)))
    return re.compile("".join(parts), re.DOTALL)
