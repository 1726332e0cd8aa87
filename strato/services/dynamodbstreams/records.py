"""How DynamoDB Streams state is laid out in the store: namespaces, keys, ARNs, sequence numbers.

Each stream has exactly one shard (Strato never splits: a local table never outgrows
one), so a stream and its shard share a record. Stream records are keyed
(account, region, table, label, sequence number); sequence numbers come from one
counter and are fixed width, so reading a shard in order is one range scan, and the
oldest records, the ones retention trims first, come first.
"""

from __future__ import annotations

import hashlib

from ...store import keys

STREAMS = "dynamodbstreams:streams"  # (account, region, table, label) -> stream and its shard
RECORDS = "dynamodbstreams:records"  # (account, region, table, label, sequence) -> stream record
META = "dynamodbstreams:meta"  # ("sequence",) -> numbers purged streams used; ("iterator-key",)

SEQUENCE_KEY = keys.pack("sequence")
ITERATOR_SECRET_KEY = keys.pack("iterator-key")

RETENTION_MS = 24 * 3_600_000
ITERATOR_TTL_MS = 15 * 60_000
MAX_GET_RECORDS = 1000
MAX_PAGE_BYTES = 1 << 20

# AWS sequence numbers are 21 to 40 digits; ours are 10**20 + counter: 21 digits, never shorter.
_SEQUENCE_BASE = 10**20


def sequence_text(n: int) -> str:
    return str(_SEQUENCE_BASE + n)


def sequence_number(text: str) -> int | None:
    """The counter value of a sequence number; None if it is not one Strato could have made."""
    if not text.isdigit() or len(text) != 21:
        return None
    n = int(text) - _SEQUENCE_BASE
    return n if n >= 0 else None


def stream_arn(account: str, region: str, table: str, label: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{table}/stream/{label}"


def parse_stream_arn(arn: str) -> tuple[str, str, str, str] | None:
    """(account, region, table, label) of a stream ARN, or None if it is not one."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "dynamodb":
        return None
    resource = parts[5].split("/")
    if len(resource) != 4 or resource[0] != "table" or resource[2] != "stream":
        return None
    if not resource[1] or not resource[3]:
        return None
    return parts[4], parts[3], resource[1], resource[3]


def shard_id(created_ms: int, arn: str) -> str:
    """AWS's shape, `shardId-<20 digit creation ms>-<8 hex>`; the hex is fixed per stream."""
    suffix = hashlib.sha256(arn.encode()).hexdigest()[:8]
    return f"shardId-{created_ms:020d}-{suffix}"


def stream_key(account: str, region: str, table: str, label: str) -> bytes:
    return keys.pack(account, region, table, label)


def record_key(account: str, region: str, table: str, label: str, seq: int) -> bytes:
    return keys.pack(account, region, table, label, sequence_text(seq))


def record_range(account: str, region: str, table: str, label: str) -> tuple[bytes, bytes]:
    return keys.prefix_range(account, region, table, label)
