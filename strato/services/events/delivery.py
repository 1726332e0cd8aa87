"""Delivering routed events to targets, with the target's RetryPolicy and DeadLetterConfig.

Routing (`publishing.py`) adds one outbox entry per (rule, target) in the transaction that
accepted the event; the platform's outbox (`strato/events/outbox.py`) calls `deliver` and
retries with backoff on the shared clock until MaximumRetryAttempts (default 185) or
MaximumEventAgeInSeconds (default 86400) runs out, then `_dead_letter` sends the event to
the target's dead-letter queue, as AWS does.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from ...auth import RequestContext
from ...events import DeliveryFailed, RetryPolicy
from ...protocol import ServiceError
from . import records
from .target_input import target_input

log = logging.getLogger("strato.events")

KIND = "events.target"
DEFAULT_RETRIES = 185
DEFAULT_MAX_AGE = 86400


def retry_policy(target: dict[str, Any]) -> RetryPolicy:
    policy = target.get("RetryPolicy") or {}
    return RetryPolicy(
        attempts=policy.get("MaximumRetryAttempts", DEFAULT_RETRIES),
        max_age_s=policy.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE),
    )


class Delivery:
    def __init__(self) -> None:
        self.platform.outbox.register(KIND, self.deliver, self._dead_letter)

    def wake_delivery(self) -> None:
        self.platform.outbox.wake()

    def queue_delivery(self, item: dict[str, Any]) -> None:
        """Add one (event, rule, target) delivery; call inside the routing transaction."""
        self.platform.outbox.add(KIND, item, retry_policy(item["Target"]))

    def _dead_letter(self, item: dict, error: DeliveryFailed) -> None:
        target = item["Target"]
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
        elif service == "states" and resource.startswith("stateMachine:"):
            self._to_state_machine(account, region, target["Arn"], body)
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
        lam.invoke_async(ctx, name, qualifier, body.encode(), trace_header=None)

    def _to_state_machine(self, account: str, region: str, arn: str, body: str) -> None:
        sfn = self.platform.providers.get("stepfunctions")
        if sfn is None:
            raise DeliveryFailed("SFNNotHosted", "Step Functions is not hosted", retryable=False)
        try:
            sfn.start_execution_internal(account, region, arn, body)
        except ServiceError as e:  # as on AWS, only throttling and service faults are retried
            retry = e.status >= 500 or e.code == "ThrottlingException"
            raise DeliveryFailed(e.code, e.message, retryable=retry) from e

    def _to_bus(self, item: dict, account: str, region: str, bus: str) -> None:
        if self.bus_record(account, region, bus) is None:
            raise DeliveryFailed("ResourceNotFoundException", f"Event bus {bus} does not exist.")
        event = dict(item["Event"])
        self.route(self.store, account, region, bus, event)

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
