"""How SQS state is laid out in the store: namespaces, keys, queue URLs and ARNs.

Messages are keyed (account, region, queue, seq) where `seq` is a time-ordered counter.
A message record is written once, at send; what receiving changes (visible-at, receive
count, first receive, receipt nonce) lives in a small receive-state record written from
the first receive on, so a receive never rewrites the body. Every message also has exactly
one entry in the visibility index (account, region, queue, visible-at ms, seq) -> kind
("ready", "delayed" or "inflight"), so "what can be received now" is a range scan that
starts at the queue's prefix and stops at now: send, receive and delete are O(log n).

FIFO queues also index each group's messages in send order (account, region, queue,
group, seq) and keep one head entry per group with messages (account, region, queue,
seq of the group's oldest message) -> [group, its visible-at]: a receive walks the heads
in send order, skips groups whose oldest message is in flight, and reads only what it takes.
"""

from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from urllib.parse import urlparse

from ...store import keys

QUEUES = "sqs:queues"  # (account, region, queue) -> queue record (attributes, tags, created)
MESSAGES = "sqs:messages"  # (account, region, queue, seq) -> message record
VISIBILITY = "sqs:visibility"  # (account, region, queue, visible ms, seq) -> kind
RECEIVES = "sqs:receives"  # (account, region, queue, seq) -> [visible, count, first, nonce, group]
FIFO_MEMBERS = "sqs:fifo-members"  # (account, region, queue, group, seq) -> ""
FIFO_HEADS = "sqs:fifo-heads"  # (account, region, queue, oldest seq) -> [group, visible]
DEDUP = "sqs:dedup"  # (account, region, queue, scope, dedup id) -> {expires, id, seqnum}
MOVE_TASKS = "sqs:move-tasks"  # (account, region, source queue, started ms) -> task

_SEQ = re.compile(r"[0-9a-f]{16}")
DEDUP_WINDOW_MS = 5 * 60 * 1000
# Queue records carry the layout they were indexed with; older FIFO queues are re-indexed.
LAYOUT = 2
MAX_MESSAGE_BYTES = 262_144


def queue_key(account: str, region: str, name: str) -> bytes:
    return queue_keys(account, region, name).prefix


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


class QueueKeys:
    """Every key of one queue, its (account, region, queue) prefix packed once.

    `seq` (16 hex digits) and the visible-at part (15 digits) never hold NUL, so they are
    appended as `keys.pack` would encode them, and sliced back out of a key the same way.
    """

    __slots__ = ("prefix", "end")

    def __init__(self, account: str, region: str, name: str) -> None:
        self.prefix = keys.pack(account, region, name)
        self.end = self.prefix + b"\xff"

    def message(self, seq: str) -> bytes:  # MESSAGES, RECEIVES and FIFO_HEADS share it
        return self.prefix + seq.encode() + b"\x00"

    def visibility(self, visible_ms: int, seq: str) -> bytes:
        return self.prefix + ms_part(visible_ms).encode() + b"\x00" + seq.encode() + b"\x00"

    def visible_before(self, ms: int) -> tuple[bytes, bytes]:
        """The index range of messages whose visible-at is < `ms`."""
        return self.prefix, self.prefix + ms_part(ms).encode()

    def member(self, group: str, seq: str) -> bytes:
        return self.prefix + keys.pack(group, seq)

    def group_range(self, group: str) -> tuple[bytes, bytes]:
        lo = self.prefix + keys.pack(group)
        return lo, lo + b"\xff"


@lru_cache(maxsize=1024)
def queue_keys(account: str, region: str, name: str) -> QueueKeys:
    return QueueKeys(account, region, name)


def seq_of(key: bytes) -> str:
    """The seq that ends a message, visibility, member or head key."""
    return key[-17:-1].decode()


def visible_of(visibility_key: bytes) -> int:
    return int(visibility_key[-33:-18])


def queue_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def queue_url(host: str, account: str, name: str) -> str:
    return f"http://{host or 'localhost:4566'}/{account}/{name}"


@lru_cache(maxsize=1024)
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
    if not _SEQ.fullmatch(parts[3]):  # it becomes part of a key as it is (QueueKeys)
        return None
    return tuple(parts)  # type: ignore[return-value]
