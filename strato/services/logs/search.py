"""FilterLogEvents: a time-ordered merge of many streams' range scans, through a filter pattern."""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Iterator
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import event_log, records, tokens
from .base import LogsBase
from .constraints import validated
from .errors import invalid_filter_pattern, invalid_parameter, invalid_token
from .filter_pattern import FilterPatternError, compile_pattern

FILTER_LIMIT = 10_000


class SearchOperations(LogsBase):
    @validated
    def filter_log_events(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname = self.group_name(ctx, params)
        names, prefix = params.get("logStreamNames"), params.get("logStreamNamePrefix")
        if names is not None and prefix is not None:
            raise invalid_parameter(
                "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."
            )
        try:
            pattern = compile_pattern(params.get("filterPattern") or "")
        except FilterPatternError as e:
            raise invalid_filter_pattern() from e
        group = self.group(a, r, gname)
        streams = self._streams(a, r, gname, names, prefix)
        cutoff = records.retention_cutoff(group, self.now_ms())
        start = max(params.get("startTime") or 0, cutoff or 0)
        end = params.get("endTime")
        resume = _resume_point(params.get("nextToken"))
        limit = params.get("limit", FILTER_LIMIT)

        scans = [self._stream_events(a, r, gname, name, start, end, resume) for name in streams]
        found: list[dict[str, Any]] = []
        size, more = 0, False
        for ts, name, seq, ingested, message in heapq.merge(*scans):
            if not pattern.matches(message):
                continue
            n = event_log.message_size(message) + records.EVENT_OVERHEAD
            if len(found) == limit or (found and size + n > records.MAX_PAGE_BYTES):
                more = True
                break
            size += n
            found.append(
                {
                    "logStreamName": name,
                    "timestamp": ts,
                    "message": message,
                    "ingestionTime": ingested,
                    "eventId": _event_id(name, ts, seq),
                    "_position": [ts, name, seq],
                }
            )
        out: dict[str, Any] = {
            "events": found,
            "searchedLogStreams": [
                {"logStreamName": name, "searchedCompletely": not more} for name in streams
            ],
        }
        if more:
            out["nextToken"] = tokens.encode(found[-1]["_position"])
        for event in found:
            del event["_position"]
        return out

    def _streams(
        self, a: str, r: str, gname: str, names: list[str] | None, prefix: str | None
    ) -> list[str]:
        if names is not None:
            present = [
                n
                for n in dict.fromkeys(names)
                if self.store.get(records.STREAMS, records.stream_key(a, r, gname, n)) is not None
            ]
            return sorted(present)
        lo, hi = keys.prefix_range(a, r, gname, partial=prefix or "")
        return [
            s["logStreamName"] for _, s in event_log.scan(self.store, lo, hi, ns=records.STREAMS)
        ]

    def _stream_events(
        self,
        a: str,
        r: str,
        gname: str,
        name: str,
        start: int,
        end: int | None,
        resume: tuple[int, str, int] | None,
    ) -> Iterator[tuple[int, str, int, int, str]]:
        """(timestamp, stream, seq, ingestion time, message) in [start, end], after `resume`."""
        prefix = records.stream_key(a, r, gname, name)
        lo, hi = event_log.window(prefix, start, None if end is None else end + 1)
        if resume is not None:
            rts, rname, rseq = resume
            if name < rname:
                mark = prefix + keys.pack(records.ts_part(rts + 1))
            elif name == rname:
                mark = keys.after(records.event_key(a, r, gname, name, rts, rseq))
            else:
                mark = prefix + keys.pack(records.ts_part(rts))
            lo = max(lo, mark)
        for key, (ingested, message) in event_log.scan(self.store, lo, hi):
            ts, seq = records.event_position(key, prefix)
            yield ts, name, seq, ingested, message


def _resume_point(token: str | None) -> tuple[int, str, int] | None:
    position = tokens.decode(token, list)
    if position is None:
        return None
    if (
        len(position) != 3
        or not isinstance(position[0], int)
        or not isinstance(position[1], str)
        or not isinstance(position[2], int)
    ):
        raise invalid_token()
    return position[0], position[1], position[2]


def _event_id(stream: str, ts: int, seq: int) -> str:
    """56 digits like AWS's: unique per event within a group."""
    return f"{ts:020d}{zlib.crc32(stream.encode()):010d}{seq:026d}"[-56:]
