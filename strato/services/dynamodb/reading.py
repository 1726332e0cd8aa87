"""One page of a Query or Scan: walk a key range, apply Limit and the 1 MB cap to what is
read (before the filter, as DynamoDB does), then filter, project and count."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import capacity, records
from .attribute_values import item_size, sort_key_bytes
from .expressions import evaluate, project
from .item_codec import to_wire
from .item_keys import entry_key, item_key
from .schema import IndexSpec, Item, TableSchema
from .storage_keys import after, index_prefix, table_prefix
from .store_ranges import iter_range

PAGE_BYTES = 1 << 20


@dataclass
class ReadPlan:
    account: str
    region: str
    schema: TableSchema
    index: IndexSpec | None
    lo: bytes
    hi: bytes
    reverse: bool = False
    limit: int | None = None
    filter: Any = None
    projection: Any = None
    select: str = "ALL_ATTRIBUTES"
    read_table: bool = False
    consistent: bool = False
    segment: tuple[int, int] | None = None
    matches: Callable[[Item], bool] | None = None

    @property
    def ns(self) -> str:
        return records.ITEMS if self.index is None else records.INDEX

    def start_after(self, start: Item) -> None:
        """Resume past ExclusiveStartKey."""
        if self.index is None:
            key = item_key(
                table_prefix(self.account, self.region, self.schema.name), self.schema.key, start
            )
        else:
            prefix = index_prefix(self.account, self.region, self.schema.name, self.index.name)
            key = entry_key(prefix, self.index, start)
        if key is None:
            return
        if self.reverse:
            self.hi = min(self.hi, key)
        else:
            self.lo = max(self.lo, after(key))

    def key_of(self, item: Item) -> Item:
        """LastEvaluatedKey: the table's keys, and the index's when reading one."""
        out = self.schema.key.pick(item)
        if self.index is not None:
            out.update(self.index.key.pick(item))
        return out


def in_segment(schema: TableSchema, item: Item, segment: tuple[int, int]) -> bool:
    number, total = segment
    return zlib.crc32(sort_key_bytes(item[schema.key.hash_name])) % total == number


class PageReader:
    """The read half every Query and Scan shares; `load_item` comes from ItemWrites."""

    def read_page(self, plan: ReadPlan, capacity_mode: str | None) -> dict[str, Any]:
        items: list[Item] = []
        count = scanned = size = 0
        last: Item | None = None
        stopped = False
        chunk = min(plan.limit + 1, 256) if plan.limit else 256
        rows = iter_range(self.store, plan.ns, plan.lo, plan.hi, reverse=plan.reverse, chunk=chunk)
        for _, raw in rows:
            if stopped:
                break
            item = to_wire(raw)
            if plan.segment and not in_segment(plan.schema, item, plan.segment):
                continue
            if plan.matches is not None and not plan.matches(item):
                continue
            scanned += 1
            size += item_size(item)
            last = item
            if plan.read_table:
                item = (
                    self.load_item(
                        plan.account, plan.region, plan.schema, plan.schema.key.pick(item)
                    )
                    or item
                )
            if plan.filter is None or evaluate(plan.filter, item):
                count += 1
                if plan.select != "COUNT":
                    items.append(project(plan.projection, item) if plan.projection else item)
            if plan.limit is not None and scanned >= plan.limit:
                break
            stopped = size >= PAGE_BYTES
        else:
            last = None  # the range ran out: nothing more to read
        out: dict[str, Any] = {"Count": count, "ScannedCount": scanned}
        if plan.select != "COUNT":
            out["Items"] = items
        if last is not None:
            out["LastEvaluatedKey"] = plan.key_of(last)
        units = capacity.read_units(size, plan.consistent)
        indexes = {plan.index.name: units} if plan.index is not None else {}
        consumed = capacity.report(
            capacity_mode, plan.schema, 0.0 if plan.index is not None else units, indexes
        )
        if consumed:
            out["ConsumedCapacity"] = consumed
        return out
