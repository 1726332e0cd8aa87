"""Time to Live: a background sweeper deletes items whose TTL attribute has passed.

An item is expired when its table's TTL is ENABLED and its TTL attribute is a top-level
Number of epoch seconds that is past on the platform clock, but by no more than five
years: AWS ignores other types and values more than five years old (Developer Guide,
"Formatting an item's TTL attribute"). A far-future value, such as milliseconds written
where seconds belong, is simply not due, so the item stays.
Deletions go through `delete_item_as_service`, so indexes stay in step and the stream
gets a REMOVE with the Service identity.

Finding due items is a range scan, not a table scan: `track_change` (called by every
item change, in its transaction) keeps an index of (table, due second, item key) for
tables with TTL enabled. The index is only trusted for the table incarnation and TTL
attribute it was built for (`dynamodb:ttl-tables`); when either changes, the sweeper
rebuilds it from a scan of the table before using it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
from decimal import Decimal, InvalidOperation
from typing import Any

from ...store import Store, keys
from . import item_codec, records

log = logging.getLogger("strato.dynamodb.ttl")

TTL_INDEX = "dynamodb:ttl"  # (account, region, table, due second, item key json) -> item key
TTL_TABLES = "dynamodb:ttl-tables"  # (account, region, table) -> what the index was built for

INTERVAL_ENV = "STRATO_DYNAMODB_TTL_INTERVAL"
DEFAULT_INTERVAL_S = 2.0
MAX_PAST_S = 5 * 365 * 86_400  # "more than five years in the past" is ignored by AWS
_DUE_DIGITS = 16  # due seconds, zero-padded so they sort; later than year 300 million: never

Item = dict[str, dict[str, Any]]


def ttl_attribute(table: dict[str, Any]) -> str | None:
    """The TTL attribute when the table's TTL is enabled, else None."""
    ttl = table.get("TimeToLiveDescription") or {}
    if ttl.get("TimeToLiveStatus") != "ENABLED":
        return None
    return ttl.get("AttributeName") or None


def due_second(item: Item | None, attribute: str) -> int | None:
    """The whole second from which the item counts as expired; None if TTL ignores it."""
    value = (item or {}).get(attribute)
    if not isinstance(value, dict) or "N" not in value:
        return None
    try:
        expires = Decimal(value["N"])
    except InvalidOperation:
        return None
    if not expires.is_finite() or expires < 0 or expires >= Decimal(10) ** _DUE_DIGITS:
        return None
    return math.ceil(expires)


def is_expired(item: Item, attribute: str, now: float) -> bool:
    """Whether TTL deletes `item` at `now`: its attribute is a Number of epoch seconds that
    is past, by no more than five years."""
    value = item.get(attribute)
    if not isinstance(value, dict) or "N" not in value:
        return False
    try:
        expires = Decimal(value["N"])
    except InvalidOperation:
        return False
    return now - MAX_PAST_S <= expires <= now


def _incarnation(table: dict[str, Any]) -> str:
    """What tells a table from a deleted one of the same name."""
    return str(table.get("TableId") or table.get("CreationDateTime") or "")


def _state(table: dict[str, Any], attribute: str) -> dict[str, str]:
    return {"attribute": attribute, "table": _incarnation(table)}


def _entry_key(account: str, region: str, name: str, due: int, key: Item) -> bytes:
    return keys.pack(account, region, name, f"{due:0{_DUE_DIGITS}d}", _key_text(key))


def _key_text(key: Item) -> str:
    return json.dumps(key, sort_keys=True, separators=(",", ":"))


def track_change(
    store: Store,
    account: str,
    region: str,
    table: dict[str, Any],
    keys_: Item,
    old_image: Item | None,
    new_image: Item | None,
) -> None:
    """Keep the TTL index in step with one item change (inside the change's transaction)."""
    name = table["TableName"]
    state_key = records.table_key(account, region, name)
    attribute = ttl_attribute(table)
    state = store.get(TTL_TABLES, state_key)
    if state is None:
        return  # no index yet: the sweeper builds one from the table when TTL is on
    if attribute is None or state != _state(table, attribute):
        store.delete(TTL_TABLES, state_key)  # stale from now on: rebuilt if TTL is enabled
        return
    old_due, new_due = due_second(old_image, attribute), due_second(new_image, attribute)
    if old_due == new_due and old_image is not None and new_image is not None:
        return
    keys_ = item_codec.to_stored(keys_)
    if old_due is not None:
        store.delete(TTL_INDEX, _entry_key(account, region, name, old_due, keys_))
    if new_due is not None:
        store.put(TTL_INDEX, _entry_key(account, region, name, new_due, keys_), keys_)


class TimeToLiveSweeper:
    """Mixed into the DynamoDB provider; its `start()` runs the sweeper on the event loop.

    Expects the provider's `store`, `clock`, `table(account, region, name)`,
    `scan_items(account, region, table)` and
    `delete_item_as_service(account, region, table, key, expected)`.
    """

    _ttl_task: asyncio.Task | None = None

    async def start(self) -> None:
        parent = getattr(super(), "start", None)
        if parent is not None:
            await parent()
        self._ttl_task = asyncio.get_running_loop().create_task(self._ttl_loop())

    async def stop(self) -> None:
        if self._ttl_task is not None:
            self._ttl_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ttl_task
            self._ttl_task = None
        parent = getattr(super(), "stop", None)
        if parent is not None:
            await parent()

    @staticmethod
    def ttl_interval() -> float:
        try:
            return max(0.05, float(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL_S)))
        except ValueError:
            return DEFAULT_INTERVAL_S

    async def _ttl_loop(self) -> None:
        interval = self.ttl_interval()
        while True:
            await self.clock.sleep(interval)
            try:
                for table in self._ttl_tables():
                    self.sweep_table(*table)
                    await asyncio.sleep(0)  # let requests in between tables
            except asyncio.CancelledError:
                raise
            except Exception:  # a bad table must not stop TTL for the others
                log.exception("TTL sweep failed")

    def _ttl_tables(self) -> list[tuple[str, str, str]]:
        """(account, region, table) of every table with TTL on or a TTL index to drop."""
        found = {
            keys.unpack(key): None
            for key, table in self.store.scan(records.TABLES)
            if ttl_attribute(table) is not None
        }
        found.update((keys.unpack(key), None) for key, _ in self.store.scan(TTL_TABLES))
        return list(found)  # type: ignore[arg-type]

    def sweep_table(self, account: str, region: str, name: str) -> int:
        """Delete the table's expired items now; how many were deleted."""
        table = self.table(account, region, name)
        attribute = ttl_attribute(table) if table else None
        if table is None or attribute is None:
            self._drop_ttl_index(account, region, name)
            return 0
        state_key = records.table_key(account, region, name)
        if self.store.get(TTL_TABLES, state_key) != _state(table, attribute):
            self._build_ttl_index(account, region, table, attribute)
        now = self.clock.now()
        lo, _ = keys.prefix_range(account, region, name)
        oldest = _due_bound(account, region, name, max(0, math.ceil(now - MAX_PAST_S)))
        due = _due_bound(account, region, name, math.floor(now) + 1)
        ancient = list(self.store.scan(TTL_INDEX, lo, oldest))
        if ancient:
            with self.store.transaction():
                for key, _ in ancient:
                    self.store.delete(TTL_INDEX, key)  # over five years past: never deleted
        deleted = 0
        still_due = lambda item: is_expired(item, attribute, now)  # noqa: E731
        for key, item_key in list(self.store.scan(TTL_INDEX, oldest, due)):
            try:
                gone = self.delete_item_as_service(
                    account, region, name, item_codec.to_wire(item_key), still_due
                )
                deleted += gone is not None
            except Exception:
                log.exception("TTL could not delete %s from %s", item_key, name)
            self.store.delete(TTL_INDEX, key)  # normally gone already, with the item
        return deleted

    def _build_ttl_index(
        self, account: str, region: str, table: dict[str, Any], attribute: str
    ) -> None:
        name = table["TableName"]
        with self.store.transaction():
            self._drop_ttl_index(account, region, name)
            for item in self.scan_items(account, region, name):
                due = due_second(item, attribute)
                if due is not None:
                    key = item_codec.to_stored({k: item[k] for k in _key_names(table)})
                    self.store.put(TTL_INDEX, _entry_key(account, region, name, due, key), key)
            self.store.put(
                TTL_TABLES, records.table_key(account, region, name), _state(table, attribute)
            )

    def _drop_ttl_index(self, account: str, region: str, name: str) -> None:
        with self.store.transaction():
            for key, _ in list(
                self.store.scan(TTL_INDEX, *keys.prefix_range(account, region, name))
            ):
                self.store.delete(TTL_INDEX, key)
            self.store.delete(TTL_TABLES, records.table_key(account, region, name))


def _due_bound(account: str, region: str, name: str, second: int) -> bytes:
    """The first index key due at `second`."""
    return keys.pack(account, region, name, f"{second:0{_DUE_DIGITS}d}")


def _key_names(table: dict[str, Any]) -> list[str]:
    return [k["AttributeName"] for k in table.get("KeySchema", [])]
