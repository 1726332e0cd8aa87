"""ReceiveMessage (with long polling), DeleteMessage(Batch), ChangeMessageVisibility(Batch),
and the dead-letter redrive that happens on receive."""

from __future__ import annotations

import os
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from ...waiting import first_of
from . import records
from .base import QueueId, SqsBase
from .checksums import md5_of_attributes
from .errors import invalid_value, message_not_inflight, receipt_handle_invalid
from .queue_attributes import int_attr, is_fifo, redrive_policy
from .sending import check_batch, wire_attributes

SYSTEM_NAMES = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


class ReceiveOperations(SqsBase):
    async def receive_message(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid = self.queue_id(ctx.account_id, ctx.region, params["QueueUrl"])
        queue = self.queue_record(qid)
        count = params.get("MaxNumberOfMessages")
        if count is not None and not 1 <= count <= 10:
            raise invalid_value(
                "MaxNumberOfMessages", count, "Must be between 1 and 10, if provided."
            )
        wait = params.get("WaitTimeSeconds")
        if wait is not None and not 0 <= wait <= 20:
            raise invalid_value("WaitTimeSeconds", wait, "Must be >= 0 and <= 20, if provided.")
        timeout = params.get("VisibilityTimeout")
        if timeout is not None and not 0 <= timeout <= 43200:
            raise invalid_value(
                "VisibilityTimeout", timeout, "Must be >= 0 and <= 43200, if provided."
            )
        if wait is None:
            wait = int_attr(queue, "ReceiveMessageWaitTimeSeconds")
        messages = await self.receive_waiting(qid, count or 1, timeout, wait)
        names = set(params.get("AttributeNames") or []) | set(
            params.get("MessageSystemAttributeNames") or []
        )
        wanted_attrs = params.get("MessageAttributeNames") or []
        out = [self.render(qid, m, names, wanted_attrs) for m in messages]
        return {"Messages": out} if out else {}

    async def receive_waiting(
        self, qid: QueueId, count: int, timeout: int | None, wait: float
    ) -> list[dict[str, Any]]:
        """Take up to `count` messages, waiting up to `wait` seconds for the first one."""
        deadline = self.clock.now() + wait
        while True:
            event = self.arrival(qid)  # before looking, so a send in between is not missed
            taken = self.take(qid, count, timeout)
            if taken or self.clock.now() >= deadline:
                return taken
            until = deadline
            upcoming = self.next_visible_ms(qid)
            if upcoming is not None:
                until = min(until, upcoming / 1000 + 0.001)
            await first_of(event.wait(), self.clock.sleep_until(until))

    def next_visible_ms(self, qid: QueueId) -> int | None:
        qk = records.queue_keys(*qid)
        for key, _ in self.store.scan(records.VISIBILITY, qk.prefix, qk.end, limit=1):
            return records.visible_of(key)
        return None

    def take(self, qid: QueueId, count: int, timeout: int | None) -> list[dict[str, Any]]:
        """Make up to `count` visible messages in flight (one transaction) and return them."""
        with self.store.transaction() as tx:
            queue = tx.get(records.QUEUES, records.queue_keys(*qid).prefix)
            if queue is None:
                raise _gone()
            now = self.clock.now_ms()
            visibility = int_attr(queue, "VisibilityTimeout") if timeout is None else timeout
            if is_fifo(queue):
                if queue.get("Layout") != records.LAYOUT:
                    self.index_fifo_queue(tx, qid)
                    queue["Layout"] = records.LAYOUT
                    tx.put(records.QUEUES, records.queue_keys(*qid).prefix, queue)
                candidates = self._fifo_candidates(tx, qid, now, count)
            else:
                candidates = self._candidates(tx, qid, now, count)
            policy = redrive_policy(queue)
            retention = int_attr(queue, "MessageRetentionPeriod") * 1000
            taken: list[dict[str, Any]] = []
            for message in candidates:
                if message["Sent"] + retention <= now:
                    self.remove_message(tx, qid, message)
                    continue
                if policy and message["Count"] >= policy["maxReceiveCount"]:
                    if self._dead_letter(tx, qid, message, policy["deadLetterTargetArn"]):
                        continue
                message["Count"] += 1
                if message["First"] is None:
                    message["First"] = now
                message["Nonce"] = os.urandom(6).hex()
                self.set_visible(tx, qid, message, now + visibility * 1000, "inflight")
                taken.append(message)
                if len(taken) >= count:
                    break
            candidates.close()
            return taken

    def _candidates(self, tx: Any, qid: QueueId, now: int, count: int):
        """Visible messages, oldest visible-at first, read `count` at a time: a further page
        is read only when the caller skipped some (expired or dead-lettered)."""
        qk = records.queue_keys(*qid)
        lo, hi = qk.visible_before(now + 1)
        offered: set[str] = set()  # with a visibility timeout of 0 a taken one stays in range
        while True:
            rows = list(tx.scan(records.VISIBILITY, lo, hi, limit=count))
            if not rows:
                return
            lo = records.keys.after(rows[-1][0])
            fresh, received = {}, []
            for key, kind in rows:
                seq = records.seq_of(key)
                if seq not in offered:
                    fresh[seq] = key
                    if kind == "inflight":  # "ready" and "delayed" were never received
                        received.append(seq)
            offered.update(fresh)
            messages = self.load_messages(tx, qid, list(fresh), received)
            for seq in fresh.keys() - {m["Seq"] for m in messages}:
                tx.delete(records.VISIBILITY, fresh[seq])  # an index entry without its message
            yield from messages

    def _fifo_candidates(self, tx: Any, qid: QueueId, now: int, count: int):
        """Group by group, the group with the oldest message first; within a group in send
        order, up to the first message not visible. A group whose oldest message is in flight
        (or delayed) is skipped whole: one consumer at a time per group. Reads the group heads
        (one small entry per group with messages) and the messages it offers, nothing else."""
        qk = records.queue_keys(*qid)
        lo = qk.prefix
        visited: set[str] = set()  # a group whose head the caller removed gets a later head
        while True:
            heads = list(tx.scan(records.FIFO_HEADS, lo, qk.end, limit=32))
            if not heads:
                return
            lo = records.keys.after(heads[-1][0])
            for _, (group, visible) in heads:
                if visible > now or group in visited:
                    continue
                visited.add(group)
                glo, ghi = qk.group_range(group)
                seqs = [
                    records.seq_of(key)
                    for key, _ in tx.scan(records.FIFO_MEMBERS, glo, ghi, limit=count)
                ]
                for message in self.load_messages(tx, qid, seqs):
                    if message["Visible"] > now:
                        break
                    yield message

    def _dead_letter(self, tx: Any, qid: QueueId, message: dict[str, Any], arn: str) -> bool:
        target = self.queue_id(qid[0], qid[1], arn)
        dlq = tx.get(records.QUEUES, records.queue_key(*target))
        if dlq is None:
            return False
        self.remove_message(tx, qid, message)
        system = dict(message.get("System") or {})
        system["DeadLetterQueueSourceArn"] = records.queue_arn(*qid)
        self.enqueue(
            tx,
            target,
            dlq,
            message["Body"],
            message["Attributes"],
            delay=0,
            group_id=message.get("Group"),
            dedup_id=None,
            sender=message["Sender"],
            system=system,
            message_id=message["Id"],
            sent_ms=message["Sent"],
        )
        return True

    def render(
        self, qid: QueueId, message: dict[str, Any], names: set[str], wanted: list[str]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "MessageId": message["Id"],
            "ReceiptHandle": records.receipt_handle(*qid, message["Seq"], message["Nonce"]),
            "MD5OfBody": message["Md5"],
            "Body": message["Body"],
        }
        system = {
            "SenderId": message["Sender"],
            "SentTimestamp": str(message["Sent"]),
            "ApproximateReceiveCount": str(message["Count"]),
            "ApproximateFirstReceiveTimestamp": str(message["First"] or message["Sent"]),
            **(message.get("System") or {}),
        }
        if message.get("SequenceNumber"):
            system["SequenceNumber"] = message["SequenceNumber"]
            system["MessageGroupId"] = message["Group"]
            system["MessageDeduplicationId"] = message["Dedup"]
        chosen = system if ("All" in names) else {k: v for k, v in system.items() if k in names}
        if chosen:
            out["Attributes"] = chosen
        attrs = select_attributes(message["Attributes"], wanted)
        if attrs:
            out["MessageAttributes"] = wire_attributes(attrs)
            out["MD5OfMessageAttributes"] = md5_of_attributes(attrs)
        return out

    # -- delete and visibility --------------------------------------------
    def delete_message(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid = self.queue_id(ctx.account_id, ctx.region, params["QueueUrl"])
        self.queue_record(qid)
        self.delete_by_handle(qid, params["ReceiptHandle"])
        return {}

    def delete_by_handle(self, qid: QueueId, handle: str) -> bool:
        [outcome] = self.delete_handles(qid, [handle])
        if isinstance(outcome, ServiceError):
            raise outcome
        return outcome

    def delete_handles(self, qid: QueueId, handles: list[str]) -> list[bool | ServiceError]:
        """Delete the message of each receipt handle, all in one transaction. Per handle: True
        (deleted), False (already gone: AWS answers success too) or the error for that entry."""
        outcomes: list[bool | ServiceError] = []
        wanted: dict[int, str] = {}
        for i, handle in enumerate(handles):
            parsed = records.parse_receipt_handle(handle)
            if parsed is None or tuple(parsed[:3]) != qid:
                outcomes.append(receipt_handle_invalid(handle))
            else:
                outcomes.append(False)
                wanted[i] = parsed[3]
        if not wanted:
            return outcomes
        with self.store.transaction() as tx:
            states = self.receive_states(tx, qid, list(dict.fromkeys(wanted.values())))
            headless: set[str] = set()
            for i, seq in wanted.items():
                state = states.get(seq)
                if state is not None:
                    self.remove_message(tx, qid, state, headless)
                    states[seq] = None  # the same handle twice: the second finds it gone
                    outcomes[i] = True
            for group in headless:
                self.promote(tx, qid, group)
        return outcomes

    def delete_message_batch(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid = self.queue_id(ctx.account_id, ctx.region, params["QueueUrl"])
        self.queue_record(qid)
        entries = params.get("Entries") or []
        check_batch(entries)
        outcomes = self.delete_handles(qid, [entry["ReceiptHandle"] for entry in entries])
        ok, failed = [], []
        for entry, outcome in zip(entries, outcomes, strict=True):
            if isinstance(outcome, ServiceError):
                failed.append(
                    {
                        "Id": entry["Id"],
                        "SenderFault": True,
                        "Code": outcome.code,
                        "Message": outcome.message,
                    }
                )
            else:
                ok.append({"Id": entry["Id"]})
        return {"Successful": ok, "Failed": failed}

    def change_message_visibility(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        qid = self.queue_id(ctx.account_id, ctx.region, params["QueueUrl"])
        self.queue_record(qid)
        self.change_visibility(qid, params["ReceiptHandle"], params["VisibilityTimeout"])
        return {}

    def change_visibility(self, qid: QueueId, handle: str, timeout: int) -> None:
        if not 0 <= timeout <= 43200:
            raise invalid_value(
                "VisibilityTimeout",
                timeout,
                "VisibilityTimeout must be an integer between 0 and 43200",
            )
        parsed = records.parse_receipt_handle(handle)
        if parsed is None or tuple(parsed[:3]) != qid:
            raise receipt_handle_invalid(handle)
        with self.store.transaction() as tx:
            seq = parsed[3]
            message = self.receive_states(tx, qid, [seq])[seq]
            now = self.clock.now_ms()
            if message is None or message["Visible"] <= now or message["Nonce"] != parsed[4]:
                raise message_not_inflight()
            self.set_visible(tx, qid, message, now + timeout * 1000, "inflight")
        if timeout == 0:
            self.notify(qid)

    def change_message_visibility_batch(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        qid = self.queue_id(ctx.account_id, ctx.region, params["QueueUrl"])
        self.queue_record(qid)
        entries = params.get("Entries") or []
        check_batch(entries)
        ok, failed = [], []
        for entry in entries:
            try:
                self.change_visibility(
                    qid, entry["ReceiptHandle"], entry.get("VisibilityTimeout", 0)
                )
                ok.append({"Id": entry["Id"]})
            except ServiceError as err:
                failed.append(
                    {
                        "Id": entry["Id"],
                        "SenderFault": True,
                        "Code": err.code,
                        "Message": err.message,
                    }
                )
        return {"Successful": ok, "Failed": failed}


def select_attributes(attributes: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    if not wanted or not attributes:
        return {}
    if "All" in wanted or ".*" in wanted:
        return dict(attributes)
    out = {}
    for name, value in attributes.items():
        for pattern in wanted:
            if name == pattern or (pattern.endswith(".*") and name.startswith(pattern[:-1])):
                out[name] = value
                break
    return out


def _gone() -> ServiceError:
    from .errors import queue_does_not_exist

    return queue_does_not_exist()
