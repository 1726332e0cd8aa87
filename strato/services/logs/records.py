"""How CloudWatch Logs state is laid out in the store: namespaces, keys, ARNs and limits.

Events are keyed (account, region, group, stream, timestamp, seq) so reading a stream
or a time window of it is one range scan; `seq` is the stream's own counter, so events
with equal timestamps keep their arrival order.
"""

from __future__ import annotations

from ...store import keys

GROUPS = "logs:groups"  # (account, region, group) -> group record (tags, retention, bytes, ...)
STREAMS = "logs:streams"  # (account, region, group, stream) -> stream record
EVENTS = "logs:events"  # (account, region, group, stream, ts, seq) -> [ingestion ms, message]
SUBSCRIPTIONS = "logs:subscriptions"  # (account, region, group, filter) -> subscription filter
METRIC_FILTERS = "logs:metric-filters"  # (account, region, group, filter) -> metric filter

DAY_MS = 86_400_000
MAX_PAST_MS = 14 * DAY_MS
MAX_FUTURE_MS = 2 * 3_600_000
MAX_BATCH_SPAN_MS = DAY_MS
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26
MAX_PAGE_BYTES = 1_048_576
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)  # fmt: skip


def ts_part(timestamp: int) -> str:
    return f"{timestamp:020d}"


def seq_part(seq: int) -> str:
    return f"{seq:016x}"


def group_key(account: str, region: str, group: str) -> bytes:
    return keys.pack(account, region, group)


def stream_key(account: str, region: str, group: str, stream: str) -> bytes:
    return keys.pack(account, region, group, stream)


def event_key(account: str, region: str, group: str, stream: str, ts: int, seq: int) -> bytes:
    return keys.pack(account, region, group, stream, ts_part(ts), seq_part(seq))


def event_position(key: bytes, prefix: bytes) -> tuple[int, int]:
    """(timestamp, seq) of an event key under its stream's prefix."""
    ts, seq = keys.unpack(key[len(prefix) :])
    return int(ts), int(seq, 16)


def group_arn(account: str, region: str, group: str) -> str:
    return f"arn:aws:logs:{region}:{account}:log-group:{group}"


def stream_arn(account: str, region: str, group: str, stream: str) -> str:
    return f"{group_arn(account, region, group)}:log-stream:{stream}"


def sequence_token(seq: int) -> str:
    """The 56-digit upload sequence token AWS shows (ignored on input, as AWS now does)."""
    return f"{seq:056d}"


def retention_cutoff(group: dict, now_ms: int) -> int | None:
    """Events older than this are past the group's retention and no longer readable."""
    days = group.get("retentionInDays")
    return None if days is None else now_ms - days * DAY_MS
