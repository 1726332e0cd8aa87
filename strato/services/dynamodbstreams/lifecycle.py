"""When a stream opens, closes and goes away, read from its table's StreamSpecification.

A table names its current stream (LatestStreamArn/LatestStreamLabel, set by the
DynamoDB provider); this module keeps the streams' own records, which outlive the
table's view of them: enabling a stream again, or deleting and re-creating the table,
starts a new stream and closes the old one, which stays readable for 24 hours. Changes
are noticed when a write reaches the stream and whenever the Streams API looks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...store import Store, keys
from . import records
from .records import META, RECORDS, RETENTION_MS, SEQUENCE_KEY, STREAMS

Stream = dict[str, Any]


def current_stream(table: dict[str, Any] | None) -> tuple[str, str] | None:
    """(label, view type) of the table's enabled stream, None when its stream is off."""
    if not table:
        return None
    spec = table.get("StreamSpecification") or {}
    label = table.get("LatestStreamLabel")
    if not spec.get("StreamEnabled") or not label:
        return None
    return label, spec.get("StreamViewType", "NEW_AND_OLD_IMAGES")


class Sequences:
    """The sequence-number counter, in memory so a write need not read and rewrite it.

    Recovered at first use from what the store holds: every shard's start and newest
    record, and the high-water mark purged streams leave behind; so numbers only grow,
    across restarts too. A rolled-back write leaves a gap, as AWS's numbers have gaps.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._last: int | None = None

    def last(self) -> int:
        if self._last is None:
            last = self.store.get(META, SEQUENCE_KEY) or 0
            for key, stream in self.store.scan(STREAMS):
                account, region = keys.unpack(key)[:2]
                newest = newest_record(self.store, account, region, stream)
                last = max(last, newest if newest is not None else 0, stream["start"] - 1)
            self._last = last
        return self._last

    def next(self) -> int:
        self._last = self.last() + 1
        return self._last


def ensure_open(
    store: Store,
    sequences: Sequences,
    now_ms: int,
    account: str,
    region: str,
    table: dict[str, Any],
) -> Stream | None:
    """The table's current stream, registering it (and closing its predecessors) if new."""
    current = current_stream(table)
    if current is None:
        return None
    label, view_type = current
    name = table["TableName"]
    key = records.stream_key(account, region, name, label)
    stream = store.get(STREAMS, key)
    if stream is not None:
        if stream["status"] != "ENABLED":  # closed while its table still names it: reopen
            stream.update(status="ENABLED", closed_ms=None)
            store.put(STREAMS, key, stream)
        return stream
    for other_key, other in list(store.scan(STREAMS, *keys.prefix_range(account, region, name))):
        if other["status"] == "ENABLED":
            close(store, other_key, other, now_ms)
    arn = table.get("LatestStreamArn") or records.stream_arn(account, region, name, label)
    created = _label_time(label, now_ms)
    stream = {
        "StreamArn": arn,
        "StreamLabel": label,
        "TableName": name,
        "StreamViewType": view_type,
        "KeySchema": table.get("KeySchema", []),
        "created_ms": created,
        "ShardId": records.shard_id(created, arn),
        "start": sequences.last() + 1,
        "trimmed": None,  # the newest record retention has removed
        "status": "ENABLED",
        "closed_ms": None,
    }
    store.put(STREAMS, key, stream)
    return stream


def close(store: Store, key: bytes, stream: Stream, now_ms: int) -> None:
    stream.update(status="DISABLED", closed_ms=now_ms)
    store.put(STREAMS, key, stream)


def reconcile(
    store: Store,
    sequences: Sequences,
    now_ms: int,
    account: str,
    region: str,
    table_name: str,
    table: dict[str, Any] | None,
) -> None:
    """Bring one table's streams in line with the table: open its current one, close the rest,
    and forget closed ones past retention."""
    current = current_stream(table)
    label = current[0] if current else None
    with store.transaction():
        lo, hi = keys.prefix_range(account, region, table_name)
        for key, stream in list(store.scan(STREAMS, lo, hi)):
            if stream["status"] == "ENABLED" and stream["StreamLabel"] != label:
                close(store, key, stream, now_ms)
            if stream["status"] != "ENABLED" and stream["closed_ms"] + RETENTION_MS <= now_ms:
                purge(store, sequences, account, region, stream)
        if table is not None and current is not None:
            ensure_open(store, sequences, now_ms, account, region, table)


def newest_record(store: Store, account: str, region: str, stream: Stream) -> int | None:
    """The sequence number of the shard's newest record, trimmed or not; None if it has none."""
    lo, hi = records.record_range(account, region, stream["TableName"], stream["StreamLabel"])
    for _, record in store.scan(RECORDS, lo, hi, reverse=True, limit=1):
        return record["seq"]
    return stream["trimmed"]


def purge(store: Store, sequences: Sequences, account: str, region: str, stream: Stream) -> None:
    store.put(META, SEQUENCE_KEY, sequences.last())  # the numbers it used stay used
    table, label = stream["TableName"], stream["StreamLabel"]
    for key, _ in list(store.scan(RECORDS, *records.record_range(account, region, table, label))):
        store.delete(RECORDS, key)
    store.delete(STREAMS, records.stream_key(account, region, table, label))


def trim(store: Store, account: str, region: str, stream: Stream, now_ms: int) -> bool:
    """Remove records older than 24 hours (the oldest come first in key order); True if any
    were, and then the caller saves `stream`, whose `trimmed` moved on."""
    cutoff = now_ms - RETENTION_MS
    lo, hi = records.record_range(account, region, stream["TableName"], stream["StreamLabel"])
    changed, batch_size = False, 1  # most calls find nothing to trim: look at one record first
    while True:
        batch = list(store.scan(RECORDS, lo, hi, limit=batch_size))
        for key, record in batch:
            if record["created_ms"] > cutoff:
                return changed
            store.delete(RECORDS, key)
            stream["trimmed"] = record["seq"]
            changed = True
        if len(batch) < batch_size:
            return changed
        batch_size = min(batch_size * 4, 256)


def _label_time(label: str, fallback_ms: int) -> int:
    """A stream label is its creation time (`2024-05-01T12:00:00.123`), in ms."""
    try:
        when = dt.datetime.fromisoformat(label)
    except ValueError:
        return fallback_ms
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return int(when.timestamp() * 1000)
