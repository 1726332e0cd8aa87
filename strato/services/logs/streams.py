"""Log streams: create, delete and describe (by name or by last event time)."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import event_log, records, tokens
from .base import LogsBase
from .constraints import validated
from .errors import invalid_parameter, stream_exists

DESCRIBE_LIMIT = 50


class LogStreamOperations(LogsBase):
    @validated
    def create_log_stream(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        group, name = params["logGroupName"], params["logStreamName"]
        key = records.stream_key(a, r, group, name)
        with self.store.transaction() as tx:
            self.group(a, r, group, tx)
            if tx.get(records.STREAMS, key) is not None:
                raise stream_exists()
            tx.put(records.STREAMS, key, event_log.new_stream(name, self.now_ms()))
        return {}

    @validated
    def delete_log_stream(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname, name = params["logGroupName"], params["logStreamName"]
        with self.store.transaction() as tx:
            group = self.group(a, r, gname, tx)
            stream = self.stream(a, r, gname, name, tx)
            key = records.stream_key(a, r, gname, name)
            event_log.delete_prefix(tx, records.EVENTS, key)
            tx.delete(records.STREAMS, key)
            group["storedBytes"] = max(0, group.get("storedBytes", 0) - stream["storedBytes"])
            self.save_group(ctx, group, tx)
        return {}

    @validated
    def describe_log_streams(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname = self.group_name(ctx, params)
        self.group(a, r, gname)
        prefix = params.get("logStreamNamePrefix")
        by_time = params.get("orderBy", "LogStreamName") == "LastEventTime"
        if by_time and prefix is not None:
            raise invalid_parameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
        descending = params.get("descending", False)
        limit = params.get("limit", DESCRIBE_LIMIT)
        token = tokens.decode(params.get("nextToken"), list)
        if by_time:
            page, more = self._by_last_event(a, r, gname, descending, limit, token)
        else:
            page, more = self._by_name(a, r, gname, prefix or "", descending, limit, token)
        out: dict[str, Any] = {"logStreams": [self._describe_stream(a, r, gname, s) for s in page]}
        if more:
            last = page[-1]
            out["nextToken"] = tokens.encode([_event_time(last), last["logStreamName"]])
        return out

    def _by_name(self, a, r, gname, prefix, descending, limit, token) -> tuple[list, bool]:
        lo, hi = keys.prefix_range(a, r, gname, partial=prefix)
        if token is not None:
            mark = records.stream_key(a, r, gname, _token_name(token))
            if descending:
                hi = min(hi, mark)
            else:
                lo = max(lo, keys.after(mark))
        rows = list(self.store.scan(records.STREAMS, lo, hi, reverse=descending, limit=limit + 1))
        return [s for _, s in rows[:limit]], len(rows) > limit

    def _by_last_event(self, a, r, gname, descending, limit, token) -> tuple[list, bool]:
        lo, hi = keys.prefix_range(a, r, gname)
        streams = [s for _, s in event_log.scan(self.store, lo, hi, ns=records.STREAMS)]
        streams.sort(key=lambda s: (_event_time(s), s["logStreamName"]), reverse=descending)
        if token is not None:
            mark = (token[0], _token_name(token)) if len(token) == 2 else None
            if mark is None or not isinstance(mark[0], int):
                raise invalid_parameter("The specified nextToken is invalid.")
            past = (lambda k: k < mark) if descending else (lambda k: k > mark)
            streams = [s for s in streams if past((_event_time(s), s["logStreamName"]))]
        return streams[:limit], len(streams) > limit

    def _describe_stream(
        self, a: str, r: str, gname: str, stream: dict[str, Any]
    ) -> dict[str, Any]:
        out = {
            "logStreamName": stream["logStreamName"],
            "creationTime": stream["creationTime"],
            "arn": records.stream_arn(a, r, gname, stream["logStreamName"]),
            "storedBytes": 0,  # deprecated for streams in 2019: AWS always reports zero
        }
        for optional in ("firstEventTimestamp", "lastEventTimestamp", "lastIngestionTime"):
            if optional in stream:
                out[optional] = stream[optional]
        if stream.get("seq"):
            out["uploadSequenceToken"] = records.sequence_token(stream["seq"] + 1)
        return out


def _event_time(stream: dict[str, Any]) -> int:
    return stream.get("lastEventTimestamp", 0)


def _token_name(token: list) -> str:
    if len(token) != 2 or not isinstance(token[1], str):
        raise invalid_parameter("The specified nextToken is invalid.")
    return token[1]
