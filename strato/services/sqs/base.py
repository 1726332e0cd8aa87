"""State every group of SQS operations shares: the store, the clock, queue look-ups,
the message engine (enqueue, index moves) and the per-queue wake-ups for long polling."""

from __future__ import annotations

import asyncio
import threading
import uuid
from typing import Any

from ...platform import Platform
from . import records
from .checksums import md5_of_attributes, md5_of_body
from .errors import queue_does_not_exist
from .queue_attributes import DEFAULTS, int_attr, is_fifo

QueueId = tuple[str, str, str]  # (account, region, name)


class SqsBase:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock
        self._last_seq = 0
        self._seq_lock = threading.Lock()
        self._arrivals: dict[QueueId, asyncio.Event] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()

    # -- look-ups ---------------------------------------------------------
    def queue_record(self, qid: QueueId, store: Any = None) -> dict[str, Any]:
        record = (store or self.store).get(records.QUEUES, records.queue_key(*qid))
        if record is None:
            raise queue_does_not_exist()
        return record

    def queue_id(self, account: str, region: str, ref: str) -> QueueId:
        """The queue a URL, ARN or name refers to (the caller's account and region by default)."""
        ref_account, ref_region, name = records.parse_queue_ref(ref)
        return (ref_account or account, ref_region or region, name)

    def next_seq(self) -> str:
        """A time-ordered, never-repeating sequence (microseconds on the shared clock)."""
        with self._seq_lock:
            self._last_seq = max(self._last_seq + 1, int(self.clock.now() * 1_000_000))
            return records.seq_part(self._last_seq)

    # -- long polling -----------------------------------------------------
    def arrival(self, qid: QueueId) -> asyncio.Event:
        event = self._arrivals.get(qid)
        if event is None:
            event = self._arrivals[qid] = asyncio.Event()
        return event

    def notify(self, qid: QueueId) -> None:
        """Wake receivers long-polling `qid` (safe from any thread)."""
        loop = self._loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None and (loop is None or running is loop):
            self._wake(qid)
        elif loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake, qid)

    def _wake(self, qid: QueueId) -> None:
        event = self._arrivals.pop(qid, None)
        if event is not None:
            event.set()

    # -- the message engine -----------------------------------------------
    def enqueue(
        self,
        tx: Any,
        qid: QueueId,
        queue: dict[str, Any],
        body: str,
        attributes: dict[str, dict[str, Any]] | None = None,
        *,
        delay: int | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
        sender: str = "",
        system: dict[str, str] | None = None,
        message_id: str | None = None,
        sent_ms: int | None = None,
    ) -> dict[str, Any]:
        """Record one message (inside `tx`); returns the message record. FIFO duplicates inside
        the deduplication window return the first message's record without a new one."""
        now = self.clock.now_ms()
        fifo = is_fifo(queue)
        if fifo and dedup_id is not None:
            scope = (
                group_id if queue["Attributes"].get("DeduplicationScope") == "messageGroup" else ""
            )
            dkey = records.keys.pack(*qid, scope or "", dedup_id)
            seen = tx.get(records.DEDUP, dkey)
            if seen is not None and seen["expires"] > now:
                return {
                    "Id": seen["id"],
                    "SequenceNumber": seen["seqnum"],
                    "Duplicate": True,
                    "Md5": md5_of_body(body),
                    "AttrMd5": md5_of_attributes(attributes or {}),
                }
        seq = self.next_seq()
        if delay is None:
            delay = int_attr(queue, "DelaySeconds")
        visible = now + delay * 1000
        message = {
            "Id": message_id or str(uuid.uuid4()),
            "Seq": seq,
            "Body": body,
            "Md5": md5_of_body(body),
            "Attributes": attributes or {},
            "AttrMd5": md5_of_attributes(attributes or {}),
            "System": system or {},
            "Sent": sent_ms if sent_ms is not None else now,
            "Sender": sender,
            "Count": 0,
            "First": None,
            "Visible": visible,
            "Nonce": "",
            "Group": group_id,
            "Dedup": dedup_id,
            "SequenceNumber": f"{int(seq, 16):020d}" if fifo else None,
        }
        tx.put(records.MESSAGES, records.message_key(*qid, seq), message)
        kind = "delayed" if delay > 0 else "ready"
        tx.put(records.VISIBILITY, records.visibility_key(*qid, visible, seq), kind)
        if fifo and dedup_id is not None:
            tx.put(
                records.DEDUP,
                dkey,
                {
                    "expires": now + records.DEDUP_WINDOW_MS,
                    "id": message["Id"],
                    "seqnum": message["SequenceNumber"],
                },
            )
        self.notify(qid)
        return message

    def set_visible(
        self, tx: Any, qid: QueueId, message: dict[str, Any], visible: int, kind: str
    ) -> None:
        """Move a message in the visibility index and save it."""
        seq = message["Seq"]
        tx.delete(records.VISIBILITY, records.visibility_key(*qid, message["Visible"], seq))
        message["Visible"] = visible
        tx.put(records.VISIBILITY, records.visibility_key(*qid, visible, seq), kind)
        tx.put(records.MESSAGES, records.message_key(*qid, seq), message)

    def remove_message(self, tx: Any, qid: QueueId, message: dict[str, Any]) -> None:
        seq = message["Seq"]
        tx.delete(records.VISIBILITY, records.visibility_key(*qid, message["Visible"], seq))
        tx.delete(records.MESSAGES, records.message_key(*qid, seq))

    def clear_queue(self, tx: Any, qid: QueueId, dedup: bool = False) -> int:
        removed = 0
        for ns in (records.MESSAGES, records.VISIBILITY) + ((records.DEDUP,) if dedup else ()):
            lo, hi = records.keys.prefix_range(*qid)
            for key, _ in list(tx.scan(ns, lo, hi)):
                tx.delete(ns, key)
                removed += ns == records.MESSAGES
        return removed

    def counts(self, qid: QueueId) -> dict[str, int]:
        now = self.clock.now_ms()
        lo, hi = records.visible_before(*qid, now + 1)
        visible = self.store.count(records.VISIBILITY, lo, hi)
        _, end = records.keys.prefix_range(*qid)
        delayed = inflight = 0
        for _, kind in self.store.scan(records.VISIBILITY, hi, end):
            if kind == "delayed":
                delayed += 1
            else:
                inflight += 1
        return {
            "ApproximateNumberOfMessages": visible,
            "ApproximateNumberOfMessagesNotVisible": inflight,
            "ApproximateNumberOfMessagesDelayed": delayed,
        }

    def default(self, queue: dict[str, Any], name: str) -> str:
        return queue["Attributes"].get(name, DEFAULTS.get(name, ""))
