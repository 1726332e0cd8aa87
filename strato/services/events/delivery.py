"""Delivering queued events to targets, with the target's RetryPolicy and DeadLetterConfig.

A worker takes due entries from `events:deliveries` (keyed by due time), hands each to its
target's service, and on failure re-queues it with backoff on the shared clock until
MaximumRetryAttempts (default 185) or MaximumEventAgeInSeconds (default 86400) runs out,
then sends the event to the dead-letter queue, as AWS does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import records
from .target_input import target_input

log = logging.getLogger("strato.events")

DEFAULT_RETRIES = 185
DEFAULT_MAX_AGE = 86400


class DeliveryFailed(Exception):
    def __init__(self, code: str, message: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.code, self.message, self.retryable = code, message, retryable


class Delivery:
    def __init__(self) -> None:
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task | None = None

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._worker = asyncio.create_task(self._deliver_forever())

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker

    def wake_delivery(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _deliver_forever(self) -> None:
        while True:
            try:
                await self._deliver_due()
            except Exception:
                log.exception("event delivery worker failed; retrying")
            self._wake.clear()
            waiter = asyncio.ensure_future(self._wake.wait())
            sleeper = asyncio.ensure_future(self.clock.sleep(0.5))
            await asyncio.wait({waiter, sleeper}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            sleeper.cancel()

    async def _deliver_due(self) -> None:
        while True:
            now_ms = self.clock.now_ms()
            hi = keys.pack(f"{now_ms:016d}") + b"\xff"
            due = list(self.store.scan(records.DELIVERIES, b"", hi, limit=50))
            if not due:
                return
            for key, item in due:
                self.store.delete(records.DELIVERIES, key)
                try:
                    self.deliver(item)
                except DeliveryFailed as e:
                    self._failed(item, e)
                except Exception as e:  # a bug in a target must not stop the worker
                    log.exception("event delivery to %s failed", item["Target"]["Arn"])
                    self._failed(item, DeliveryFailed("InternalError", str(e), retryable=False))
            await asyncio.sleep(0)

    def _failed(self, item: dict, error: DeliveryFailed) -> None:
        target = item["Target"]
        policy = target.get("RetryPolicy") or {}
        attempts = policy.get("MaximumRetryAttempts", DEFAULT_RETRIES)
        max_age_ms = policy.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE) * 1000
        attempt = item["Attempt"] + 1
        delay_ms = min(2 ** item["Attempt"], 300) * 1000
        now_ms = self.clock.now_ms()
        if (
            error.retryable
            and attempt <= attempts
            and now_ms + delay_ms - item["FirstMs"] <= max_age_ms
        ):
            item = {**item, "Attempt": attempt}
            due = now_ms + delay_ms
            self.store.put(records.DELIVERIES, keys.pack(f"{due:016d}", item["Id"]), item)
            return
        log.warning(
            "event %s to %s failed (%s: %s); giving up",
            item["Event"]["id"],
            target["Arn"],
            error.code,
            error.message,
        )
        dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
        if not dlq:
            return
        attributes = {
            "RULE_ARN": item["RuleArn"],
            "TARGET_ARN": target["Arn"],
            "ERROR_CODE": error.code,
            "ERROR_MESSAGE": error.message[:256],
        }
        try:
            self._send_sqs(
                item["Account"], item["Region"], dlq, json.dumps(item["Event"]), attributes
            )
        except Exception:
            log.exception("dead-letter queue %s rejected event %s", dlq, item["Event"]["id"])

    # -- targets ------------------------------------------------------------------
    def deliver(self, item: dict) -> None:
        target, event = item["Target"], item["Event"]
        parsed = records.parse_arn(target["Arn"])
        if parsed is None:
            raise DeliveryFailed("InvalidTarget", f"{target['Arn']} is not an ARN", retryable=False)
        service, region, account, resource = parsed
        body = target_input(target, event, item["Rule"], item["RuleArn"])
        if service == "lambda":
            self._to_lambda(item, account, region, resource, body)
        elif service == "sqs":
            sqs_params = target.get("SqsParameters") or {}
            self._send_sqs(
                item["Account"],
                item["Region"],
                target["Arn"],
                body,
                None,
                group_id=sqs_params.get("MessageGroupId"),
                dedup_id=event["id"],
                source_arn=item["RuleArn"],
            )
        elif service == "sns":
            sns = self.platform.providers.get("sns")
            if sns is None or not hasattr(sns, "publish_internal"):
                raise DeliveryFailed("SNSNotHosted", "SNS is not hosted", retryable=False)
            sns.publish_internal(account, region, target["Arn"], body)
        elif service == "events" and resource.startswith("event-bus/"):
            self._to_bus(item, account, region, resource[len("event-bus/") :])
        elif service == "logs" and resource.startswith("log-group:"):
            group = resource[len("log-group:") :].removesuffix(":*")
            logs = self.platform.provider("logs")
            logs.append_events(account, region, group, event["id"], [(self.clock.now_ms(), body)])
        else:
            raise DeliveryFailed(
                "UnsupportedTarget", f"Strato cannot deliver to {target['Arn']}", retryable=False
            )

    def _to_lambda(self, item: dict, account: str, region: str, resource: str, body: str) -> None:
        lam = self.platform.provider("lambda")
        parts = resource.split(":")  # function:NAME[:QUALIFIER]
        name, qualifier = parts[1], (parts[2] if len(parts) > 2 else None)
        if not lam.allows(
            account,
            region,
            name,
            qualifier,
            None,
            "events.amazonaws.com",
            item["RuleArn"],
            item["Account"],
        ):
            raise DeliveryFailed(
                "NO_PERMISSIONS",
                f"EventBridge may not invoke {name}: the function policy has no permission "
                f"for events.amazonaws.com and {item['RuleArn']}",
                retryable=False,
            )
        request_id = str(uuid.uuid4())
        ctx = RequestContext(
            account, region, "events.amazonaws.com", None, request_id, service="events"
        )
        lam.enqueue(ctx, name, qualifier, body.encode(), request_id)

    def _to_bus(self, item: dict, account: str, region: str, bus: str) -> None:
        if self.bus_record(account, region, bus) is None:
            raise DeliveryFailed("ResourceNotFoundException", f"Event bus {bus} does not exist.")
        event = dict(item["Event"])
        with self.store.transaction() as tx:
            self.route(tx, account, region, bus, event)
        self.wake_delivery()

    def _send_sqs(
        self,
        account: str,
        region: str,
        queue_arn: str,
        body: str,
        attributes: dict[str, str] | None,
        **kwargs: Any,
    ) -> None:
        sqs = self.platform.provider("sqs")
        message_attributes = (
            {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()}
            if attributes
            else None
        )
        try:
            sqs.send_internal(account, region, queue_arn, body, message_attributes, **kwargs)
        except Exception as e:
            code = getattr(e, "code", type(e).__name__)
            raise DeliveryFailed(code, getattr(e, "message", str(e))) from e
