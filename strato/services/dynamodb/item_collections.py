"""ReturnItemCollectionMetrics: how big the item collection (one partition key's items and
their local index entries) has grown, for tables with local secondary indexes."""

from __future__ import annotations

import math
from typing import Any

from ...store import Store
from . import records
from .attribute_values import item_size
from .item_codec import to_wire
from .item_keys import partition_segment
from .schema import Item, TableSchema
from .storage_keys import index_prefix, table_prefix, whole
from .store_ranges import iter_range

GB = float(1 << 30)


def collection_metrics(
    store: Store, account: str, region: str, schema: TableSchema, key: Item
) -> dict[str, Any] | None:
    if not schema.has_local_indexes:
        return None
    size = _bytes(store, records.ITEMS, table_prefix(account, region, schema.name), schema, key)
    for index in schema.indexes.values():
        if not index.is_global:
            prefix = index_prefix(account, region, schema.name, index.name)
            size += _bytes(store, records.INDEX, prefix, schema, key)
    low = math.floor(size / GB)
    return {
        "ItemCollectionKey": {schema.key.hash_name: key[schema.key.hash_name]},
        "SizeEstimateRangeGB": [float(low), float(low + 1)],
    }


def _bytes(store: Store, ns: str, prefix: bytes, schema: TableSchema, key: Item) -> int:
    lo, hi = whole(prefix + partition_segment(schema.key, key))
    return sum(item_size(to_wire(raw)) for _, raw in iter_range(store, ns, lo, hi))
