"""The one write path: an item change, its index entries, the table's figures and the stream
hook, all inside the caller's store transaction."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import records, table_stats
from .attribute_values import item_size, values_equal
from .base import DynamoDBBase
from .item_codec import to_stored, to_wire
from .item_keys import entry_key, item_key
from .schema import Item, TableSchema
from .storage_keys import index_prefix, table_prefix, whole
from .store_ranges import iter_range


@dataclass
class Change:
    key: Item
    old: Item | None
    new: Item | None


@dataclass
class WriteUnits:
    """Write capacity one change consumed: on the table and on each index it touched."""

    table: float
    indexes: dict[str, float] = field(default_factory=dict)


def _unchanged(change: Change) -> bool:
    old, new = change.old, change.new
    if old is None or new is None or old.keys() != new.keys():
        return False
    return all(values_equal(old[name], new[name]) for name in old)


def write_units(size: int) -> float:
    return float(max(1, math.ceil(size / 1024)))


class ItemWrites(DynamoDBBase):
    def load_item(self, account: str, region: str, schema: TableSchema, key: Item) -> Item | None:
        raw = self.store.get(
            records.ITEMS, item_key(table_prefix(account, region, schema.name), schema.key, key)
        )
        return None if raw is None else to_wire(raw)

    def commit_changes(
        self,
        account: str,
        region: str,
        record: dict[str, Any],
        schema: TableSchema,
        changes: list[Change],
        *,
        service_deletion: bool = False,
    ) -> list[WriteUnits]:
        """Apply `changes` to one table; the caller holds the store transaction."""
        store = self.store
        prefix = table_prefix(account, region, schema.name)
        items_delta = [0, 0]
        index_delta: dict[str, list[int]] = {}
        units: list[WriteUnits] = []
        for change in changes:
            if _unchanged(change):  # costs a write, but DynamoDB records nothing
                units.append(WriteUnits(write_units(item_size(change.new))))
                continue
            old_size = item_size(change.old) if change.old is not None else 0
            new_size = item_size(change.new) if change.new is not None else 0
            key = item_key(prefix, schema.key, change.key)
            if change.new is None:
                store.delete(records.ITEMS, key)
            else:
                store.put(records.ITEMS, key, to_stored(change.new))
            items_delta[0] += (change.new is not None) - (change.old is not None)
            items_delta[1] += new_size - old_size
            spent = WriteUnits(write_units(max(old_size, new_size)))
            for index in schema.indexes.values():
                cost = self._index_change(account, region, schema, index.name, change, index_delta)
                if cost:
                    spent.indexes[index.name] = cost
            units.append(spent)
            self.stream_change(
                account, region, record, change.key, change.old, change.new, service_deletion
            )
        table_stats.add(
            store,
            account,
            region,
            schema.name,
            (items_delta[0], items_delta[1]),
            {name: (d[0], d[1]) for name, d in index_delta.items()},
        )
        return units

    def _index_change(
        self,
        account: str,
        region: str,
        schema: TableSchema,
        name: str,
        change: Change,
        delta: dict[str, list[int]],
    ) -> float:
        index = schema.indexes[name]
        prefix = index_prefix(account, region, schema.name, name)
        old_key = entry_key(prefix, index, change.old) if change.old is not None else None
        new_key = entry_key(prefix, index, change.new) if change.new is not None else None
        if old_key is None and new_key is None:
            return 0.0
        old_entry = index.project(change.old) if old_key is not None else None
        new_entry = index.project(change.new) if new_key is not None else None
        if old_key == new_key and old_entry == new_entry:
            return 0.0
        old_size = item_size(old_entry) if old_entry is not None else 0
        new_size = item_size(new_entry) if new_entry is not None else 0
        d = delta.setdefault(name, [0, 0])
        d[0] += (new_key is not None) - (old_key is not None)
        d[1] += new_size - old_size
        if old_key is not None and old_key != new_key:
            self.store.delete(records.INDEX, old_key)
        if new_key is not None:
            self.store.put(records.INDEX, new_key, to_stored(new_entry))
        if old_key == new_key:
            return write_units(max(old_size, new_size))
        return (write_units(old_size) if old_key else 0.0) + (
            write_units(new_size) if new_key else 0.0
        )

    # -- for the TTL sweeper and other services --------------------------
    def scan_items(self, account: str, region: str, table_name: str) -> Iterator[Item]:
        """Every item of a table in key order, read a page at a time (deleting as you go is fine)."""
        lo, hi = whole(table_prefix(account, region, table_name))
        for _, raw in iter_range(self.store, records.ITEMS, lo, hi):
            yield to_wire(raw)

    def delete_item_as_service(
        self,
        account: str,
        region: str,
        table_name: str,
        key: Item,
        expected: Callable[[Item], bool] | None = None,
    ) -> Item | None:
        """Delete an item as DynamoDB itself (a TTL expiry): same write path, a service
        deletion in the stream. With `expected`, only if it still holds for the current item.
        Returns the deleted item, or None when nothing was deleted."""
        with self.store.transaction():
            record = self.table(account, region, table_name)
            if record is None:
                return None
            schema = TableSchema.of(record)
            key = schema.key.pick(key)
            old = self.load_item(account, region, schema, key)
            if old is None or (expected is not None and not expected(old)):
                return None
            self.commit_changes(
                account, region, record, schema, [Change(key, old, None)], service_deletion=True
            )
            return old
