"""Store keys of items and index entries, built from attribute values (see `storage_keys`)."""

from __future__ import annotations

from .attribute_values import sort_key_bytes
from .schema import IndexSpec, Item, KeyShape
from .storage_keys import segment


def key_segments(shape: KeyShape, item: Item) -> bytes:
    out = segment(sort_key_bytes(item[shape.hash_name]))
    if shape.range_name:
        out += segment(sort_key_bytes(item[shape.range_name]))
    return out


def partition_segment(shape: KeyShape, item: Item) -> bytes:
    return segment(sort_key_bytes(item[shape.hash_name]))


def item_key(table_prefix: bytes, shape: KeyShape, item: Item) -> bytes:
    return table_prefix + key_segments(shape, item)


def entry_key(index_prefix: bytes, index: IndexSpec, item: Item) -> bytes | None:
    """Where `item` sits in `index`, or None when it lacks the index's keys (a sparse index)."""
    if not index.key.covers(item):
        return None
    return index_prefix + key_segments(index.key, item) + key_segments(index.table_key, item)
