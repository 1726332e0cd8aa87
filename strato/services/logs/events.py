"""Writing and reading one stream's events: PutLogEvents, GetLogEvents and the internal calls."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import event_log, records
from .base import LogsBase
from .constraints import validated
from .errors import invalid_parameter, invalid_token

GET_LIMIT = 10_000


class LogEventOperations(LogsBase):
    @validated
    def put_log_events(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        events = params["logEvents"]
        size = sum(event_log.message_size(e["message"]) + records.EVENT_OVERHEAD for e in events)
        if size > records.MAX_BATCH_BYTES:
            raise invalid_parameter(
                f"Upload too large: {size} bytes exceeds limit of {records.MAX_BATCH_BYTES}"
            )
        stamps = [e["timestamp"] for e in events]
        if any(cur < prev for prev, cur in zip(stamps, stamps[1:], strict=False)):
            raise invalid_parameter(
                "Log events in a single PutLogEvents request must be in chronological order."
            )
        now = self.now_ms()
        rejected: dict[str, int] = {}
        with self.store.transaction() as tx:
            group = self.group(a, r, params["logGroupName"], tx)
            stream = self.stream(a, r, params["logGroupName"], params["logStreamName"], tx)
            # Events are chronological, so each rejected kind is a run at one end of the batch.
            too_old = sum(1 for ts in stamps if ts < now - records.MAX_PAST_MS)
            cutoff = records.retention_cutoff(group, now)
            expired = 0 if cutoff is None else sum(1 for ts in stamps if ts < cutoff)
            too_new = next(
                (i for i, ts in enumerate(stamps) if ts > now + records.MAX_FUTURE_MS),
                len(stamps),
            )
            if too_old:
                rejected["tooOldLogEventEndIndex"] = too_old
            if expired:
                rejected["expiredLogEventEndIndex"] = expired
            if too_new < len(stamps):
                rejected["tooNewLogEventStartIndex"] = too_new
            accepted = events[max(too_old, expired) : too_new]
            if accepted and accepted[-1]["timestamp"] - accepted[0]["timestamp"] > records.DAY_MS:
                raise invalid_parameter(
                    "The batch of log events in a single PutLogEvents request cannot span more "
                    "than 24 hours."
                )
            batch = [(e["timestamp"], e["message"]) for e in accepted]
            event_log.append(tx, a, r, group, stream, batch, now)
        out: dict[str, Any] = {"nextSequenceToken": records.sequence_token(stream["seq"] + 1)}
        if rejected:
            out["rejectedLogEventsInfo"] = rejected
        return out

    @validated
    def get_log_events(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname, sname = self.group_name(ctx, params), params["logStreamName"]
        group = self.group(a, r, gname)
        self.stream(a, r, gname, sname)
        prefix = records.stream_key(a, r, gname, sname)
        # Positions are (timestamp, seq): "before the event with this key"; seq 0 precedes all.
        cutoff = records.retention_cutoff(group, self.now_ms())
        lo = (max(params.get("startTime") or 0, cutoff or 0), 0)
        end = params.get("endTime")
        hi = None if end is None else (end, 0)
        token = params.get("nextToken")
        if token is not None:
            forward, boundary = _read_token(token)
            if forward:
                lo = max(lo, boundary)
            else:
                hi = boundary if hi is None else min(hi, boundary)
        else:
            forward = params.get("startFromHead", False)
            boundary = lo
        rows = _page(self.store, prefix, lo, hi, forward, params.get("limit", GET_LIMIT))
        if rows:
            first = (rows[0][0], rows[0][1])
            last = (rows[-1][0], rows[-1][1] + 1)
        else:
            first = last = boundary
        return {
            "events": [
                {"timestamp": ts, "message": message, "ingestionTime": ingested}
                for ts, _, ingested, message in rows
            ],
            "nextForwardToken": _token("f", last),
            "nextBackwardToken": _token("b", first),
        }

    # -- the internal API (no HTTP): see LogsProvider's docstring -----------------
    def append_events(
        self, account_id: str, region: str, group: str, stream: str, events: list[tuple[int, str]]
    ) -> None:
        batch = [(max(0, int(ts)), message) for ts, message in events if message]
        if not batch:
            return
        now = self.now_ms()
        with self.store.transaction() as tx:
            gkey = records.group_key(account_id, region, group)
            skey = records.stream_key(account_id, region, group, stream)
            group_record = tx.get(records.GROUPS, gkey) or event_log.new_group(group, now)
            stream_record = tx.get(records.STREAMS, skey) or event_log.new_stream(stream, now)
            event_log.append(tx, account_id, region, group_record, stream_record, batch, now)

    def tail(
        self, account_id: str, region: str, group: str, stream: str, limit: int = 100
    ) -> list[dict[str, Any]]:
        group_record = self.store.get(records.GROUPS, records.group_key(account_id, region, group))
        if group_record is None or limit <= 0:
            return []
        prefix = records.stream_key(account_id, region, group, stream)
        cutoff = records.retention_cutoff(group_record, self.now_ms())
        lo, hi = event_log.window(prefix, cutoff, None)
        rows = list(self.store.scan(records.EVENTS, lo, hi, reverse=True, limit=limit))
        rows.reverse()
        out = []
        for key, (ingested, message) in rows:
            ts, _ = records.event_position(key, prefix)
            out.append({"timestamp": ts, "message": message, "ingestionTime": ingested})
        return out


def _page(
    store, prefix: bytes, lo: tuple[int, int], hi: tuple[int, int] | None, forward: bool, limit: int
) -> list[tuple[int, int, int, str]]:
    """Up to `limit` events (and about 1 MB) nearest the start (forward) or end of [lo, hi)."""
    lo_key = _position_key(prefix, lo)
    hi_key = prefix + b"\xff" if hi is None else _position_key(prefix, hi)
    rows: list[tuple[int, int, int, str]] = []
    size = 0
    for key, (ingested, message) in event_log.scan(store, lo_key, hi_key, reverse=not forward):
        n = event_log.message_size(message) + records.EVENT_OVERHEAD
        if len(rows) == limit or (rows and size + n > records.MAX_PAGE_BYTES):
            break
        ts, seq = records.event_position(key, prefix)
        rows.append((ts, seq, ingested, message))
        size += n
    if not forward:
        rows.reverse()
    return rows


def _position_key(prefix: bytes, position: tuple[int, int]) -> bytes:
    ts, seq = position
    return prefix + keys.pack(records.ts_part(ts), records.seq_part(seq))


def _token(direction: str, position: tuple[int, int]) -> str:
    """56 digits after f/ or b/, like AWS's tokens: the timestamp, then the sequence number."""
    ts, seq = position
    return f"{direction}/{ts:020d}{seq:036d}"


def _read_token(token: str) -> tuple[bool, tuple[int, int]]:
    direction, _, digits = token.partition("/")
    if direction not in ("f", "b") or len(digits) != 56 or not digits.isdigit():
        raise invalid_token()
    seq = int(digits[20:])
    if seq >= 1 << 64:  # the key holds 16 hex digits of sequence number
        raise invalid_token()
    return direction == "f", (int(digits[:20]), seq)
