"""Item counts and sizes of a table and its indexes, kept exact by every write's transaction."""

from __future__ import annotations

from typing import Any

from ...store import Store
from . import records


def load(store: Store, account: str, region: str, table: str) -> dict[str, Any]:
    found = store.get(records.STATS, records.table_key(account, region, table))
    return found or {"Items": [0, 0], "Indexes": {}}


def add(
    store: Store,
    account: str,
    region: str,
    table: str,
    items: tuple[int, int],
    indexes: dict[str, tuple[int, int]],
) -> None:
    """Add (count, bytes) deltas for the table and for each named index."""
    if items == (0, 0) and not any(d != (0, 0) for d in indexes.values()):
        return
    stats = load(store, account, region, table)
    stats["Items"] = [stats["Items"][0] + items[0], stats["Items"][1] + items[1]]
    for name, (count, size) in indexes.items():
        old = stats["Indexes"].get(name, [0, 0])
        stats["Indexes"][name] = [old[0] + count, old[1] + size]
    store.put(records.STATS, records.table_key(account, region, table), stats)


def set_index(
    store: Store, account: str, region: str, table: str, index: str, value: tuple[int, int] | None
) -> None:
    """Set (or drop, with None) one index's figures: after a backfill or an index deletion."""
    stats = load(store, account, region, table)
    if value is None:
        stats["Indexes"].pop(index, None)
    else:
        stats["Indexes"][index] = list(value)
    store.put(records.STATS, records.table_key(account, region, table), stats)


def drop(store: Store, account: str, region: str, table: str) -> None:
    store.delete(records.STATS, records.table_key(account, region, table))
