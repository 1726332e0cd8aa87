"""Order-preserving encoding of tuple keys into bytes, so every backend sorts them alike.

Each text part is UTF-8 with NUL escaped as NUL 0xFF and terminated by NUL, so
tuples sort part by part in UTF-8 byte order (the order S3 lists keys in).
"""

from __future__ import annotations

_ESC = b"\x00\xff"


def _encode_part(part: str | bytes) -> bytes:
    raw = part.encode() if isinstance(part, str) else part
    return raw.replace(b"\x00", _ESC)


def pack(*parts: str | bytes) -> bytes:
    """Encode a tuple of text parts as one sortable key."""
    return b"".join(_encode_part(p) + b"\x00" for p in parts)


def unpack(key: bytes) -> tuple[str, ...]:
    """Decode a key made by :func:`pack` back into its text parts."""
    parts: list[str] = []
    cur = bytearray()
    i, n = 0, len(key)
    while i < n:
        b = key[i]
        if b == 0:
            if i + 1 < n and key[i + 1] == 0xFF:
                cur.append(0)
                i += 2
                continue
            parts.append(cur.decode())
            cur = bytearray()
        else:
            cur.append(b)
        i += 1
    return tuple(parts)


def prefix_range(*parts: str | bytes, partial: str | bytes = "") -> tuple[bytes, bytes]:
    """The [lo, hi) range of keys that start with `parts` and whose next part starts with `partial`."""
    lo = pack(*parts) + _encode_part(partial)
    # No encoded byte after the prefix can be 0xFF (UTF-8 never uses it; escapes follow NUL).
    return lo, lo + b"\xff"


def after(key: bytes) -> bytes:
    """The smallest key strictly greater than `key` (for exclusive scan starts)."""
    return key + b"\x00"
