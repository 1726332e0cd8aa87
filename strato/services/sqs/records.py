"""How SQS state is laid out in the store: namespaces, keys, queue URLs and ARNs.

Messages are keyed (account, region, queue, seq) where `seq` is a time-ordered counter,
so a FIFO queue reads in send order with one range scan. Every message also has exactly
one entry in the visibility index (account, region, queue, visible-at ms, seq) -> kind
("ready", "delayed" or "inflight"), so "what can be received now" is a range scan that
starts at the queue's prefix and stops at now: send, receive and delete are O(log n).
"""

from __future__ import annotations

import base64
import json
from urllib.parse import urlparse

from ...store import keys

QUEUES = "sqs:queues"  # (account, region, queue) -> queue record (attributes, tags, created)
MESSAGES = "sqs:messages"  # (account, region, queue, seq) -> message record
VISIBILITY = "sqs:visibility"  # (account, region, queue, visible ms, seq) -> kind
DEDUP = "sqs:dedup"  # (account, region, queue, scope, dedup id) -> {expires, id, seqnum}
MOVE_TASKS = "sqs:move-tasks"  # (account, region, source queue, started ms) -> task

DEDUP_WINDOW_MS = 5 * 60 * 1000
MAX_MESSAGE_BYTES = 262_144


def queue_key(account: str, region: str, name: str) -> bytes:
    return keys.pack(account, region, name)


def seq_part(seq: int) -> str:
    return f"{seq:016x}"


def ms_part(ms: int) -> str:
    return f"{max(ms, 0):015d}"


def message_key(account: str, region: str, name: str, seq: str) -> bytes:
    return keys.pack(account, region, name, seq)


def visibility_key(account: str, region: str, name: str, visible_ms: int, seq: str) -> bytes:
    return keys.pack(account, region, name, ms_part(visible_ms), seq)


def visible_before(account: str, region: str, name: str, ms: int) -> tuple[bytes, bytes]:
    """The index range of messages whose visible-at is < `ms`."""
    lo, _ = keys.prefix_range(account, region, name)
    hi, _ = keys.prefix_range(account, region, name, partial=ms_part(ms))
    return lo, hi


def queue_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def queue_url(host: str, account: str, name: str) -> str:
    return f"http://{host or 'localhost:4566'}/{account}/{name}"


def parse_queue_ref(ref: str) -> tuple[str | None, str | None, str]:
    """(account, region, name) of a queue URL, ARN or bare name; None where the ref lacks it."""
    if ref.startswith("arn:"):
        parts = ref.split(":", 5)
        if len(parts) == 6 and parts[2] == "sqs":
            return parts[4] or None, parts[3] or None, parts[5]
        return None, None, ref
    if "://" in ref:
        path = [p for p in urlparse(ref).path.split("/") if p]
        if len(path) >= 2:
            return path[-2], None, path[-1]
        return None, None, path[-1] if path else ""
    path = [p for p in ref.split("/") if p]
    if len(path) >= 2:
        return path[-2], None, path[-1]
    return None, None, ref


def receipt_handle(account: str, region: str, name: str, seq: str, nonce: str) -> str:
    raw = json.dumps([account, region, name, seq, nonce], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def parse_receipt_handle(handle: str) -> tuple[str, str, str, str, str] | None:
    try:
        parts = json.loads(base64.urlsafe_b64decode(handle.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(parts, list) or len(parts) != 5 or not all(isinstance(p, str) for p in parts):
        return None
    return tuple(parts)  # type: ignore[return-value]
