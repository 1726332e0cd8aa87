"""Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.

A task moves the messages available at its start in one go (Strato has no rate to respect),
so it is COMPLETED by the time StartMessageMoveTask returns."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from . import records
from .base import SqsBase, with_state
from .errors import invalid_parameter, resource_not_found


class MoveTaskOperations(SqsBase):
    def start_message_move_task(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        source_arn = params["SourceArn"]
        source = self.queue_id(ctx.account_id, ctx.region, source_arn)
        if self.store.get(records.QUEUES, records.queue_key(*source)) is None:
            raise resource_not_found(
                "The resource that you specified for the SourceArn parameter doesn't exist."
            )
        destination_arn = params.get("DestinationArn")
        rate = params.get("MaxNumberOfMessagesPerSecond")
        if rate is not None and not 1 <= rate <= 500:
            raise invalid_parameter(
                "Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and 500."
            )
        if destination_arn:
            destination = self.queue_id(ctx.account_id, ctx.region, destination_arn)
            if self.store.get(records.QUEUES, records.queue_key(*destination)) is None:
                raise resource_not_found(
                    "The resource that you specified for the DestinationArn parameter doesn't exist."
                )
        elif not self._is_dead_letter_queue(ctx, source_arn):
            raise invalid_parameter("Source queue must be configured as a Dead Letter Queue.")
        started = self.clock.now_ms()
        handle = base64.urlsafe_b64encode(
            json.dumps({"taskId": str(uuid.uuid4()), "sourceArn": source_arn}).encode()
        ).decode()
        moved = 0
        with self.store.transaction() as tx:
            lo, hi = records.keys.prefix_range(*source)
            rows = list(tx.scan(records.MESSAGES, lo, hi))
            states = tx.get_many(records.RECEIVES, [key for key, _ in rows])
            for (_, message), state in zip(rows, states, strict=True):
                message = with_state(message, state)
                if message["Visible"] > started:
                    continue
                target_arn = destination_arn or message.get("System", {}).get(
                    "DeadLetterQueueSourceArn"
                )
                if not target_arn:
                    continue
                target = self.queue_id(ctx.account_id, ctx.region, target_arn)
                queue = tx.get(records.QUEUES, records.queue_key(*target))
                if queue is None:
                    continue
                self.remove_message(tx, source, message)
                system = {
                    k: v
                    for k, v in (message.get("System") or {}).items()
                    if k != "DeadLetterQueueSourceArn"
                }
                self.enqueue(
                    tx,
                    target,
                    queue,
                    message["Body"],
                    message["Attributes"],
                    delay=0,
                    group_id=message.get("Group"),
                    sender=message["Sender"],
                    system=system,
                    message_id=message["Id"],
                    sent_ms=message["Sent"],
                )
                moved += 1
            task = {
                "TaskHandle": handle,
                "Status": "COMPLETED",
                "SourceArn": source_arn,
                "ApproximateNumberOfMessagesMoved": moved,
                "ApproximateNumberOfMessagesToMove": moved,
                "StartedTimestamp": started,
            }
            if destination_arn:
                task["DestinationArn"] = destination_arn
            if rate is not None:
                task["MaxNumberOfMessagesPerSecond"] = rate
            tx.put(records.MOVE_TASKS, records.keys.pack(*source, f"{started:015d}", handle), task)
        return {"TaskHandle": handle}

    def list_message_move_tasks(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        source = self.queue_id(ctx.account_id, ctx.region, params["SourceArn"])
        if self.store.get(records.QUEUES, records.queue_key(*source)) is None:
            raise resource_not_found(
                "The resource that you specified for the SourceArn parameter doesn't exist."
            )
        limit = params.get("MaxResults") or 1
        if not 1 <= limit <= 10:
            raise invalid_parameter(
                "Value for parameter MaxResults is invalid. Reason: must be between 1 and 10."
            )
        lo, hi = records.keys.prefix_range(*source)
        tasks = [
            t for _, t in self.store.scan(records.MOVE_TASKS, lo, hi, reverse=True, limit=limit)
        ]
        return {"Results": tasks}

    def cancel_message_move_task(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        handle = params["TaskHandle"]
        try:
            source_arn = json.loads(base64.urlsafe_b64decode(handle.encode()))["sourceArn"]
        except (ValueError, KeyError, TypeError):
            raise resource_not_found("Task does not exist.") from None
        source = self.queue_id(ctx.account_id, ctx.region, source_arn)
        lo, hi = records.keys.prefix_range(*source)
        for _, task in self.store.scan(records.MOVE_TASKS, lo, hi):
            if task["TaskHandle"] == handle:
                raise ServiceError("UnsupportedOperation", "Only active tasks can be cancelled.")
        raise resource_not_found("Task does not exist.")

    def _is_dead_letter_queue(self, ctx: RequestContext, arn: str) -> bool:
        lo, hi = records.keys.prefix_range(ctx.account_id, ctx.region)
        for _, queue in self.store.scan(records.QUEUES, lo, hi):
            policy = queue["Attributes"].get("RedrivePolicy")
            if policy and json.loads(policy).get("deadLetterTargetArn") == arn:
                return True
        return False
