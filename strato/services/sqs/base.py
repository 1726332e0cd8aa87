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
        qk = records.queue_keys(*qid)
        tx.put(records.MESSAGES, qk.message(seq), message)
        kind = "delayed" if delay > 0 else "ready"
        tx.put(records.VISIBILITY, qk.visibility(visible, seq), kind)
        if fifo:
            group = group_id or ""
            lo, hi = qk.group_range(group)
            if next(iter(tx.scan(records.FIFO_MEMBERS, lo, hi, limit=1)), None) is None:
                tx.put(records.FIFO_HEADS, qk.message(seq), [group, visible])
            tx.put(records.FIFO_MEMBERS, qk.member(group, seq), "")
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

    # -- receive state ----------------------------------------------------
    def load_messages(
        self, tx: Any, qid: QueueId, seqs: list[str], received: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """The messages `seqs` names (those that still exist, in that order), each with its
        current receive state (two reads in all). `received`: the seqs that may have been
        received before, when the caller knows (the others have no receive state)."""
        qk = records.queue_keys(*qid)
        message_keys = [qk.message(seq) for seq in seqs]
        bodies = tx.get_many(records.MESSAGES, message_keys)
        if received is None:
            states = tx.get_many(records.RECEIVES, message_keys)
        else:
            found = dict(
                zip(
                    received,
                    tx.get_many(records.RECEIVES, [qk.message(seq) for seq in received])
                    if received
                    else [],
                    strict=True,
                )
            )
            states = [found.get(seq) for seq in seqs]
        out = []
        for message, state in zip(bodies, states, strict=True):
            if message is not None:
                out.append(with_state(message, state))
        return out

    def receive_states(
        self, tx: Any, qid: QueueId, seqs: list[str]
    ) -> dict[str, dict[str, Any] | None]:
        """Seq -> what `set_visible` and `remove_message` need (Seq, Visible, Count, First,
        Nonce, Group), or None for a message that is gone. Bodies are read only for messages
        never received (their send-time state is in the message record)."""
        qk = records.queue_keys(*qid)
        states = tx.get_many(records.RECEIVES, [qk.message(seq) for seq in seqs])
        out: dict[str, dict[str, Any] | None] = {}
        unreceived = []
        for seq, state in zip(seqs, states, strict=True):
            if state is None:
                unreceived.append(seq)
            else:
                visible, count, first, nonce, group = state
                out[seq] = {
                    "Seq": seq,
                    "Visible": visible,
                    "Count": count,
                    "First": first,
                    "Nonce": nonce,
                    "Group": group,
                }
        if unreceived:
            bodies = tx.get_many(records.MESSAGES, [qk.message(seq) for seq in unreceived])
            out.update(zip(unreceived, bodies, strict=True))
        return out

    def set_visible(
        self, tx: Any, qid: QueueId, message: dict[str, Any], visible: int, kind: str
    ) -> None:
        """Move a message in the visibility index and save its receive state (not its body)."""
        qk = records.queue_keys(*qid)
        seq = message["Seq"]
        if message["Visible"] != visible:
            tx.delete(records.VISIBILITY, qk.visibility(message["Visible"], seq))
        message["Visible"] = visible
        tx.put(records.VISIBILITY, qk.visibility(visible, seq), kind)
        key = qk.message(seq)
        group = message.get("Group")
        tx.put(
            records.RECEIVES,
            key,
            [visible, message["Count"], message["First"], message["Nonce"], group],
        )
        if is_fifo_name(qid) and tx.get(records.FIFO_HEADS, key) is not None:
            tx.put(records.FIFO_HEADS, key, [group or "", visible])

    def remove_message(
        self, tx: Any, qid: QueueId, message: dict[str, Any], headless: set[str] | None = None
    ) -> None:
        """Delete a message and its index entries. A FIFO group that loses its oldest message
        gets its next one as head now, or, with `headless`, when the caller calls `promote`."""
        qk = records.queue_keys(*qid)
        seq = message["Seq"]
        key = qk.message(seq)
        tx.delete(records.VISIBILITY, qk.visibility(message["Visible"], seq))
        tx.delete(records.MESSAGES, key)
        tx.delete(records.RECEIVES, key)
        if is_fifo_name(qid):
            group = message.get("Group") or ""
            tx.delete(records.FIFO_MEMBERS, qk.member(group, seq))
            if tx.delete(records.FIFO_HEADS, key):
                if headless is None:
                    self.promote(tx, qid, group)
                else:
                    headless.add(group)

    def promote(self, tx: Any, qid: QueueId, group: str) -> None:
        """Make the oldest message of a FIFO group (if any is left) the group's head."""
        qk = records.queue_keys(*qid)
        lo, hi = qk.group_range(group)
        for key, _ in tx.scan(records.FIFO_MEMBERS, lo, hi, limit=1):
            seq = records.seq_of(key)
            state = self.receive_states(tx, qid, [seq])[seq]
            if state is not None:
                tx.put(records.FIFO_HEADS, qk.message(seq), [group, state["Visible"]])

    def index_fifo_queue(self, tx: Any, qid: QueueId) -> None:
        """(Re)build a FIFO queue's group index from its messages: queues from before it."""
        qk = records.queue_keys(*qid)
        for ns in (records.FIFO_MEMBERS, records.FIFO_HEADS):
            for key, _ in list(tx.scan(ns, qk.prefix, qk.end)):
                tx.delete(ns, key)
        seen: set[str] = set()
        rows = list(tx.scan(records.MESSAGES, qk.prefix, qk.end))
        states = tx.get_many(records.RECEIVES, [key for key, _ in rows])
        for (key, message), state in zip(rows, states, strict=True):
            message = with_state(message, state)
            group = message.get("Group") or ""
            tx.put(records.FIFO_MEMBERS, qk.member(group, message["Seq"]), "")
            if group not in seen:
                seen.add(group)
                tx.put(records.FIFO_HEADS, key, [group, message["Visible"]])

    def clear_queue(self, tx: Any, qid: QueueId, dedup: bool = False) -> int:
        removed = 0
        qk = records.queue_keys(*qid)
        namespaces = (
            records.MESSAGES,
            records.VISIBILITY,
            records.RECEIVES,
            records.FIFO_MEMBERS,
            records.FIFO_HEADS,
        ) + ((records.DEDUP,) if dedup else ())
        for ns in namespaces:
            for key, _ in list(tx.scan(ns, qk.prefix, qk.end)):
                tx.delete(ns, key)
                removed += ns == records.MESSAGES
        return removed

    def counts(self, qid: QueueId) -> dict[str, int]:
        now = self.clock.now_ms()
        qk = records.queue_keys(*qid)
        lo, hi = qk.visible_before(now + 1)
        visible = self.store.count(records.VISIBILITY, lo, hi)
        end = qk.end
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


def with_state(message: dict[str, Any], state: list[Any] | None) -> dict[str, Any]:
    """A message record with its receive state (if it was ever received) applied."""
    if state is not None:
        message["Visible"], message["Count"], message["First"], message["Nonce"] = state[:4]
    return message


def is_fifo_name(qid: QueueId) -> bool:
    """FIFO queue names, and only theirs, end in .fifo (CreateQueue enforces it)."""
    return qid[2].endswith(".fifo")
