"""Writing and range-reading the events of one stream; shared by the API and the internal calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...store import Store, keys
from . import records

_CHUNK = 1000  # rows per store scan while walking a long stream
_PRUNE_BATCH = 1000  # expired events dropped per append, so a write never stalls on cleanup


def new_group(name: str, now_ms: int, **fields: Any) -> dict[str, Any]:
    record = {
        "logGroupName": name,
        "creationTime": now_ms,
        "storedBytes": 0,
        "metricFilterCount": 0,
        "logGroupClass": "STANDARD",
        "tags": {},
    }
    record.update({k: v for k, v in fields.items() if v is not None})
    return record


def new_stream(name: str, now_ms: int) -> dict[str, Any]:
    return {"logStreamName": name, "creationTime": now_ms, "seq": 0, "storedBytes": 0}


def message_size(message: str) -> int:
    return len(message.encode())


def append(
    tx: Any,
    account: str,
    region: str,
    group: dict[str, Any],
    stream: dict[str, Any],
    events: list[tuple[int, str]],
    now_ms: int,
) -> None:
    """Store `events` in `stream` inside the caller's transaction and update both records."""
    gname, sname = group["logGroupName"], stream["logStreamName"]
    seq = stream["seq"]
    added = 0
    for ts, message in events:
        seq += 1
        tx.put(
            records.EVENTS,
            records.event_key(account, region, gname, sname, ts, seq),
            [now_ms, message],
        )
        added += message_size(message)
    if events:
        first = min(ts for ts, _ in events)
        last = max(ts for ts, _ in events)
        stream["firstEventTimestamp"] = min(stream.get("firstEventTimestamp", first), first)
        stream["lastEventTimestamp"] = max(stream.get("lastEventTimestamp", last), last)
        stream["lastIngestionTime"] = now_ms
    stream["seq"] = seq
    stream["storedBytes"] += added
    group["storedBytes"] = group.get("storedBytes", 0) + added
    cutoff = records.retention_cutoff(group, now_ms)
    if cutoff is not None:
        prune(tx, account, region, group, stream, cutoff)
    tx.put(records.STREAMS, records.stream_key(account, region, gname, sname), stream)
    tx.put(records.GROUPS, records.group_key(account, region, gname), group)


def prune(tx: Any, account: str, region: str, group: dict, stream: dict, cutoff: int) -> None:
    """Drop (a bounded batch of) events older than the retention cutoff; reads skip the rest."""
    prefix = records.stream_key(account, region, group["logGroupName"], stream["logStreamName"])
    hi = prefix + keys.pack(records.ts_part(max(cutoff, 0)))
    freed = 0
    for key, (_, message) in list(tx.scan(records.EVENTS, prefix, hi, limit=_PRUNE_BATCH)):
        tx.delete(records.EVENTS, key)
        freed += message_size(message)
    stream["storedBytes"] = max(0, stream["storedBytes"] - freed)
    group["storedBytes"] = max(0, group.get("storedBytes", 0) - freed)


def window(prefix: bytes, start: int | None, end: int | None) -> tuple[bytes, bytes]:
    """Keys of a stream's events with start <= timestamp < end."""
    lo = prefix + keys.pack(records.ts_part(start)) if start is not None and start > 0 else prefix
    hi = prefix + keys.pack(records.ts_part(end)) if end is not None else prefix + b"\xff"
    return lo, hi


def scan(
    store: Store, lo: bytes, hi: bytes, *, reverse: bool = False, ns: str = records.EVENTS
) -> Iterator[tuple[bytes, Any]]:
    """Records in [lo, hi), fetched a chunk at a time so a long stream is never read whole."""
    while lo < hi:
        rows = list(store.scan(ns, lo, hi, reverse=reverse, limit=_CHUNK))
        yield from rows
        if len(rows) < _CHUNK:
            return
        if reverse:
            hi = rows[-1][0]
        else:
            lo = keys.after(rows[-1][0])


def delete_prefix(tx: Any, ns: str, prefix: bytes) -> None:
    for key, _ in list(tx.scan(ns, prefix, prefix + b"\xff")):
        tx.delete(ns, key)
