"""The SQS poller of an event source mapping: gathers batches (BatchSize, batching window),
invokes up to MaximumConcurrency of them at once, and deletes what the function handled.

Messages are deleted only after success (with ReportBatchItemFailures, all but the reported
ones); a failed batch is left to reappear after the visibility timeout. Records that match
none of the FilterCriteria are deleted without invoking, as on AWS. A message whose
AWSTraceHeader says it has been through MAX_LINEAGE invocations of one chain is not
delivered when the function's RecursiveLoop is Terminate: as AWS, Lambda moves it to the
queue's dead-letter queue, or drops it when the queue has none.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from .esm_base import EventSourceBase, batch_item_failures, patterns
from .invoke import MAX_LINEAGE, lineage_of

log = logging.getLogger("strato.lambda")

_SYSTEM = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "MessageDeduplicationId",
    "AWSTraceHeader",
)
POLL_WAIT_S = 2.0
DEFAULT_CONCURRENCY = 1000  # AWS scales an SQS mapping up to 1,000 concurrent batches


class SqsEventSource(EventSourceBase):
    _esm_batches: set[asyncio.Task]

    async def _sqs_poll(self, mapping_id: str) -> None:
        """Gather batches and hand each to its own task, never more at once than the limit."""
        sqs = self.platform.provider("sqs")
        running: set[asyncio.Task] = set()
        batches = self.__dict__.setdefault("_esm_batches", set())
        while (mapping := self._active(mapping_id)) is not None:
            if len(running) >= self._sqs_limit(mapping):
                await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                continue  # settings may have changed meanwhile
            arn = mapping["EventSourceArn"]
            account, region = mapping["Account"], mapping["Region"]
            try:
                messages = await self._sqs_gather(sqs, mapping)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the queue is gone, or a bug: keep polling, slowly
                if not isinstance(e, ServiceError):
                    log.exception("event source mapping %s: polling failed", mapping_id)
                await asyncio.sleep(POLL_WAIT_S)
                continue
            if not messages:
                continue
            if self._active(mapping_id) is None:  # disabled or deleted while gathering
                for msg in messages:
                    with contextlib.suppress(ServiceError):
                        sqs.change_visibility_internal(
                            account, region, arn, msg["ReceiptHandle"], 0
                        )
                return
            task = asyncio.get_running_loop().create_task(self._sqs_batch(sqs, mapping, messages))
            running.add(task)
            batches.add(task)
            task.add_done_callback(running.discard)
            task.add_done_callback(batches.discard)

    def _sqs_limit(self, mapping: dict[str, Any]) -> int:
        """MaximumConcurrency, or else as many batches as the function may run at once."""
        limit = (mapping.get("ScalingConfig") or {}).get("MaximumConcurrency")
        if limit:
            return int(limit)
        ctx = RequestContext(mapping["Account"], mapping["Region"], "", None, "", service="lambda")
        try:
            reserved = self.function(ctx, mapping["FunctionName"]).get("ReservedConcurrency")
        except ServiceError:
            return 1
        cap = min(DEFAULT_CONCURRENCY, self.platform.settings.lambda_concurrency_limit)
        return max(1, min(cap, reserved)) if reserved is not None else max(1, cap)

    async def _sqs_gather(self, sqs, mapping: dict[str, Any]) -> list[dict[str, Any]]:
        """Up to BatchSize messages: long-poll for the first, then gather until the batch is
        full or the batching window (from the first message) closes."""
        arn, account, region = mapping["EventSourceArn"], mapping["Account"], mapping["Region"]
        size, window = mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"]
        messages = await sqs.wait_for_messages(
            account, region, arn, max_messages=min(10, size), wait_seconds=POLL_WAIT_S
        )
        if not messages:
            return []
        deadline = self.clock.now() + window
        while len(messages) < size:
            want = min(10, size - len(messages))
            more = sqs.receive_internal(account, region, arn, max_messages=want)
            if more:
                messages.extend(more)
                continue
            remaining = deadline - self.clock.now()
            if remaining <= 0 or self._active(mapping["UUID"]) is None:
                break
            more = await sqs.wait_for_messages(
                account, region, arn, max_messages=want, wait_seconds=min(remaining, POLL_WAIT_S)
            )
            messages.extend(more)
        return _latest(messages)

    async def _sqs_batch(self, sqs, mapping: dict[str, Any], messages: list[dict]) -> None:
        try:
            await self._sqs_deliver(sqs, mapping, messages)
        except asyncio.CancelledError:
            raise
        except ServiceError as e:  # throttled or gone: the messages reappear after the timeout
            log.info("event source mapping %s: batch not delivered: %s", mapping["UUID"], e)
        except Exception:  # noqa: BLE001 - one batch's failure must not end the poller
            log.exception("event source mapping %s: batch failed", mapping["UUID"])

    async def _sqs_deliver(self, sqs, mapping: dict[str, Any], messages: list[dict]) -> None:
        account, region, arn = mapping["Account"], mapping["Region"], mapping["EventSourceArn"]
        kept = []
        compiled = patterns(mapping)
        for msg in messages:
            rec = _record(msg, arn, region)
            if compiled and not any(p.matches(_filterable(rec)) for p in compiled):
                with contextlib.suppress(ServiceError):
                    sqs.delete_internal(account, region, arn, msg["ReceiptHandle"])
            else:
                kept.append((msg, rec))
        kept = self._sqs_stop_recursion(sqs, mapping, kept)
        if not kept:
            return
        depth = max(lineage_of((m.get("Attributes") or {}).get("AWSTraceHeader")) for m, _ in kept)
        outcome, _ = await self._invoke_batch(
            mapping, {"Records": [r for _, r in kept]}, lineage=depth + 1
        )
        if outcome.failed:
            return  # left in the queue: they reappear after the visibility timeout
        failed: list[str] | None = []
        if "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or []):
            failed = batch_item_failures(outcome.payload, [m["MessageId"] for m, _ in kept])
            if failed is None:
                return  # a malformed response fails the whole batch
        for msg, _ in kept:
            if msg["MessageId"] not in failed:
                with contextlib.suppress(ServiceError):
                    sqs.delete_internal(account, region, arn, msg["ReceiptHandle"])

    def _sqs_stop_recursion(self, sqs, mapping: dict[str, Any], kept: list[tuple]) -> list[tuple]:
        """Take out the messages whose invocation would be one too many in a recursive chain."""
        looping = [
            (m, r)
            for m, r in kept
            if lineage_of((m.get("Attributes") or {}).get("AWSTraceHeader")) + 1 >= MAX_LINEAGE
        ]
        if not looping:
            return kept
        ctx = RequestContext(
            mapping["Account"], mapping["Region"], mapping.get("Principal", ""), None, ""
        )
        try:
            record = self.function(ctx, mapping["FunctionName"])
        except ServiceError:
            return kept
        if record.get("RecursiveLoop", "Terminate") != "Terminate":
            return kept
        config = self.version_config(
            ctx, record, self.route_alias(record, mapping.get("Qualifier"))
        )  # type: ignore[attr-defined]
        depth = max(lineage_of(m["Attributes"]["AWSTraceHeader"]) for m, _ in looping) + 1
        self.stop_recursion(ctx, config, depth)  # type: ignore[attr-defined]
        for msg, _ in looping:
            self._sqs_dead_letter(sqs, mapping, msg)
        stopped = {id(m) for m, _ in looping}
        return [(m, r) for m, r in kept if id(m) not in stopped]

    def _sqs_dead_letter(self, sqs, mapping: dict[str, Any], msg: dict[str, Any]) -> None:
        """Move one message to the queue's dead-letter queue (or drop it if it has none)."""
        account, region, arn = mapping["Account"], mapping["Region"], mapping["EventSourceArn"]
        try:
            attributes = sqs.queue_attributes_internal(account, region, arn)
            policy = json.loads(attributes.get("RedrivePolicy") or "{}")
            target = policy.get("deadLetterTargetArn")
            if target and sqs.queue_exists(account, region, target):
                system = msg.get("Attributes") or {}
                sqs.send_internal(
                    account,
                    region,
                    target,
                    msg["Body"],
                    msg.get("MessageAttributes") or None,
                    group_id=system.get("MessageGroupId"),
                    dedup_id=system.get("MessageDeduplicationId"),
                )
            sqs.delete_internal(account, region, arn, msg["ReceiptHandle"])
        except (ServiceError, ValueError):
            log.warning(
                "event source mapping %s: could not move a looping message to the DLQ",
                mapping["UUID"],
            )


def _latest(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per message: a window longer than the visibility timeout can take a message
    twice, and only its newest receipt handle deletes it."""
    by_id: dict[str, dict[str, Any]] = {}
    for msg in messages:
        by_id[msg["MessageId"]] = msg  # keeps the first one's place in the batch
    return list(by_id.values())


def _filterable(rec: dict[str, Any]) -> dict[str, Any]:
    """The record as filters see it: a JSON body is matched as an object."""
    out = dict(rec)
    try:
        body = json.loads(rec["body"])
        if isinstance(body, dict):
            out["body"] = body
    except ValueError:
        pass
    return out


def _record(msg: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    attributes = msg.get("Attributes") or {}
    message_attributes = {}
    for name, value in (msg.get("MessageAttributes") or {}).items():
        entry: dict[str, Any] = {
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value.get("DataType"),
        }
        if "StringValue" in value:
            entry["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            binary = value["BinaryValue"]
            entry["binaryValue"] = (
                base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary
            )
        message_attributes[name] = entry
    return {
        "messageId": msg["MessageId"],
        "receiptHandle": msg["ReceiptHandle"],
        "body": msg["Body"],
        "attributes": {k: attributes[k] for k in _SYSTEM if k in attributes},
        "messageAttributes": message_attributes,
        "md5OfBody": msg.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }
