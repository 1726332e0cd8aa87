"""Reading a key range of the store a page at a time, so no read loads a whole table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...store import Store
from .storage_keys import after


def iter_range(
    store: Store,
    ns: str,
    lo: bytes,
    hi: bytes,
    *,
    reverse: bool = False,
    chunk: int = 256,
) -> Iterator[tuple[bytes, Any]]:
    """Yield (key, value) for lo <= key < hi in key order (or reverse), `chunk` rows per read."""
    while lo < hi:
        rows = list(store.scan(ns, lo, hi, reverse=reverse, limit=chunk))
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1][0]
        if reverse:
            hi = last
        else:
            lo = after(last)
