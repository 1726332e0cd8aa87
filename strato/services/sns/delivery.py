"""Delivery after Publish returns: to SQS, Lambda, HTTP/HTTPS and the email outbox.

Publish adds one entry per confirmed, matching subscription to the platform's outbox
(`strato/events/outbox.py`) in the transaction that accepts the message, so delivery is at
least once and survives a restart, and a FIFO topic's messages reach their FIFO queues in
order. SQS, Lambda and email deliveries fail only for client errors (a missing queue, a
policy that refuses SNS): those go to the subscription's dead-letter queue at once, as on
AWS. HTTP/HTTPS deliveries are retried under the subscription's (or topic's) DeliveryPolicy
(default: 3 retries, 20 s apart on the shared clock), then dead-lettered.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import urllib.error
import urllib.request
import uuid
from typing import Any

from ...auth import RequestContext
from ...auth.policy import ALLOW, decide, service_request
from ...events import DeliveryFailed, RetryPolicy
from . import envelope, filter_policy, records
from .base import SnsBase

log = logging.getLogger(__name__)
KIND = "sns.subscription"
HTTP_KIND = "sns.http"
_HTTP_DEFAULT = {"numRetries": 3, "minDelayTarget": 20, "maxDelayTarget": 20}


class DeliveryOperations(SnsBase):
    def register_deliveries(self) -> None:
        outbox = self.platform.outbox
        outbox.register(KIND, self._deliver_entry, self._dead_letter_entry)
        outbox.register(HTTP_KIND, self._deliver_http_entry, self._dead_letter_entry)
        self._tasks: set[asyncio.Task] = set()

    def dispatch(self, message: dict[str, Any]) -> None:
        """Queue the message for each subscription it is for; call in Publish's transaction."""
        outbox = self.platform.outbox
        for sub in self.subscriptions_of(message["TopicArn"]):
            if sub["Pending"] or not _passes_filter(message, sub):
                continue
            entry = {"Message": message, "SubscriptionArn": sub["SubscriptionArn"]}
            if sub["Protocol"] in ("http", "https"):
                outbox.add(HTTP_KIND, entry, self._http_retry(sub))
            else:
                outbox.add(KIND, entry, RetryPolicy(attempts=0))

    def _http_retry(self, sub: dict[str, Any]) -> RetryPolicy:
        policy = _HTTP_DEFAULT
        text = sub["Attributes"].get("DeliveryPolicy") or self._topic_delivery_policy(sub)
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            doc = json.loads(text) if text else {}
            doc = doc.get("http", doc)  # a topic's policy nests it under "http"
            policy = {**policy, **(doc.get("healthyRetryPolicy") or {})}
        return RetryPolicy(
            attempts=int(policy["numRetries"]),
            max_age_s=3600.0,
            base_s=float(policy["minDelayTarget"]),
            cap_s=float(policy["maxDelayTarget"]),
        )

    def _topic_delivery_policy(self, sub: dict[str, Any]) -> str | None:
        parsed = records.parse_topic_arn(sub["TopicArn"])
        topic = self.store.get(records.TOPICS, records.topic_key(*parsed)) if parsed else None
        return (topic or {}).get("Attributes", {}).get("DeliveryPolicy")

    def _entry_subscription(self, entry: dict[str, Any]) -> dict[str, Any] | None:
        return self.store.get(records.SUBSCRIPTIONS, _sub_key(entry["SubscriptionArn"]))

    def _deliver_entry(self, entry: dict[str, Any]) -> None:
        sub = self._entry_subscription(entry)
        if sub is not None:  # unsubscribed since: nothing to deliver
            self._deliver(entry["Message"], sub)

    async def _deliver_http_entry(self, entry: dict[str, Any]) -> None:
        sub = self._entry_subscription(entry)
        if sub is not None:
            message = entry["Message"]
            await self._to_http(message, sub, _text_for(message, sub), _raw(sub))

    def _dead_letter_entry(self, entry: dict[str, Any], failure: DeliveryFailed) -> None:
        sub = self._entry_subscription(entry)
        if sub is not None:
            message = entry["Message"]
            self._dead_letter(message, sub, _text_for(message, sub), failure)

    def _background(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- one message, one subscription ----------------------------------------------------
    def _deliver(self, message: dict[str, Any], sub: dict[str, Any]) -> None:
        """Deliver to an SQS, Lambda or email subscription; DeliveryFailed if refused."""
        protocol = sub["Protocol"]
        text = _text_for(message, sub)
        if protocol == "sqs":
            self._send_to_queue(sub["Endpoint"], message, sub, text, _raw(sub))
        elif protocol == "lambda":
            self._to_lambda(message, sub, text)
        elif protocol in ("email", "email-json"):
            doc = envelope.notification(message, text, sub)
            self.capture_email(  # type: ignore[attr-defined]
                sub,
                message.get("Subject") or "AWS Notification Message",
                text if protocol == "email" else envelope.dumps(doc),
                message["MessageId"],
            )

    def _send_to_queue(
        self,
        queue_arn: str,
        message: dict[str, Any],
        sub: dict[str, Any],
        text: str,
        raw: bool,
        extra: dict[str, Any] | None = None,
    ) -> None:
        sqs = self.platform.provider("sqs")
        _, _, _, region, account, _ = queue_arn.split(":", 5)
        try:
            attrs = sqs.queue_attributes_internal(account, region, queue_arn)
        except Exception as e:
            raise DeliveryFailed(
                "QueueDoesNotExist", "The specified queue does not exist.", retryable=False
            ) from e
        if not _queue_allows(attrs.get("Policy"), queue_arn, message["TopicArn"]):
            raise DeliveryFailed(
                "AccessDenied", "SNS is not authorized to send to the queue", retryable=False
            )
        if raw:
            body = text
            attributes = {k: _sqs_attribute(v) for k, v in message["MessageAttributes"].items()}
        else:
            body = json.dumps(envelope.notification(message, text, sub))
            attributes = {}
        attributes.update(extra or {})
        fifo = attrs.get("FifoQueue") == "true"
        try:
            sqs.send_internal(
                account,
                region,
                queue_arn,
                body,
                attributes or None,
                group_id=(message.get("GroupId") or "default") if fifo else None,
                dedup_id=(message.get("DedupId") or message["MessageId"]) if fifo else None,
                source_arn=message["TopicArn"],
                trace_header=message.get("TraceHeader"),
            )
        except Exception as e:
            raise DeliveryFailed(
                getattr(e, "code", "InternalError"), str(e), retryable=False
            ) from e

    def _to_lambda(self, message: dict[str, Any], sub: dict[str, Any], text: str) -> None:
        parts = sub["Endpoint"].split(":")
        region, account, name = parts[3], parts[4], parts[6]
        qualifier = parts[7] if len(parts) > 7 else None
        lam = self.platform.provider("lambda")
        topic_account = message["TopicArn"].split(":")[4]
        if not lam.allows(
            account,
            region,
            name,
            qualifier,
            None,
            "sns.amazonaws.com",
            message["TopicArn"],
            topic_account,
        ):
            raise DeliveryFailed(
                "AccessDeniedException",
                "SNS is not authorized to invoke the function",
                retryable=False,
            )
        payload = json.dumps(envelope.lambda_event(message, text, sub)).encode()
        ctx = RequestContext(
            account_id=account,
            region=region,
            principal_arn="sns.amazonaws.com",
            access_key_id=None,
            request_id=str(uuid.uuid4()),
        )
        # The publisher's trace header carries its recursion depth; Lambda stops deep chains.
        lam.invoke_async(ctx, name, qualifier, payload, trace_header=message.get("TraceHeader"))

    async def _to_http(
        self, message: dict[str, Any], sub: dict[str, Any], text: str, raw: bool
    ) -> None:
        headers = {
            "x-amz-sns-message-type": "Notification",
            "x-amz-sns-message-id": message["MessageId"],
            "x-amz-sns-topic-arn": message["TopicArn"],
            "x-amz-sns-subscription-arn": sub["SubscriptionArn"],
        }
        if raw:
            headers["x-amz-sns-rawdelivery"] = "true"
            body = text
        else:
            body = json.dumps(envelope.notification(message, text, sub))
        await post(sub["Endpoint"], body, headers)

    def _dead_letter(
        self, message: dict[str, Any], sub: dict[str, Any], text: str, failure: DeliveryFailed
    ) -> None:
        policy = sub["Attributes"].get("RedrivePolicy")
        if not policy:
            log.warning("SNS dropped a message for %s: %s", sub["SubscriptionArn"], failure.message)
            return
        target = json.loads(policy)["deadLetterTargetArn"]
        extra = {"ErrorCode": failure.code, "ErrorMessage": failure.message[:256]}
        try:
            self._send_to_queue(target, message, sub, text, _raw(sub), extra)
        except DeliveryFailed as e:
            log.warning("SNS could not dead-letter to %s: %s", target, e.message)

    # -- HTTP subscription confirmation ------------------------------------------------------
    def send_confirmation(self, sub: dict[str, Any]) -> None:
        doc = envelope.confirmation(sub, str(uuid.uuid4()), envelope.timestamp(self.clock.now()))
        if sub["Protocol"] in ("email", "email-json"):
            self.capture_email(  # type: ignore[attr-defined]
                sub,
                "AWS Notification - Subscription Confirmation",
                envelope.dumps(doc)
                if sub["Protocol"] == "email-json"
                else f"{doc['Message']}\n\n{doc['SubscribeURL']}",
                doc["MessageId"],
                token=sub["Token"],
            )
            return
        headers = {
            "x-amz-sns-message-type": "SubscriptionConfirmation",
            "x-amz-sns-message-id": doc["MessageId"],
            "x-amz-sns-topic-arn": sub["TopicArn"],
        }
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to send from
            self._background(_post_quietly(sub["Endpoint"], json.dumps(doc), headers))


def _passes_filter(message: dict[str, Any], sub: dict[str, Any]) -> bool:
    text = sub["Attributes"].get("FilterPolicy")
    if not text:
        return True
    policy = json.loads(text)
    if sub["Attributes"].get("FilterPolicyScope") == "MessageBody":
        body = message["Message"]
        return filter_policy.matches_body(
            policy, body["default"] if isinstance(body, dict) else body
        )
    return filter_policy.matches_attributes(policy, message["MessageAttributes"])


def _queue_allows(policy_text: str | None, queue_arn: str, topic_arn: str) -> bool:
    """As AWS: SNS may send only where the queue's policy allows sns.amazonaws.com (or *)."""
    topic_account = topic_arn.split(":")[4]
    request = service_request(
        "sns.amazonaws.com", "sqs:SendMessage", queue_arn, topic_arn, topic_account
    )
    return decide(policy_text, request) == ALLOW


def _text_for(message: dict[str, Any], sub: dict[str, Any]) -> str:
    """The body for this subscription's protocol (MessageStructure json picks per protocol)."""
    body = message["Message"]
    return body.get(sub["Protocol"], body["default"]) if isinstance(body, dict) else body


def _raw(sub: dict[str, Any]) -> bool:
    return sub["Attributes"].get("RawMessageDelivery", "false").lower() == "true"


def _sub_key(arn: str) -> bytes:
    return records.subscription_key(*records.parse_subscription_arn(arn))  # type: ignore[misc]


def _sqs_attribute(attr: dict[str, Any]) -> dict[str, Any]:
    if attr.get("StringValue") is not None:
        return {"DataType": attr["DataType"], "StringValue": attr["StringValue"]}
    return {"DataType": attr["DataType"], "BinaryValue": base64.b64decode(attr["BinaryValue"])}


async def post(url: str, body: str, headers: dict[str, str]) -> None:
    """One POST; DeliveryFailed (retryable) unless the endpoint answers 2xx."""
    try:
        status = await asyncio.to_thread(_post_once, url, body, headers)
    except (OSError, urllib.error.URLError) as e:
        raise DeliveryFailed("EndpointUnreachable", f"HTTP delivery to {url} failed: {e}") from e
    if not 200 <= status < 300:
        raise DeliveryFailed("EndpointError", f"HTTP delivery to {url} failed: HTTP {status}")


async def _post_quietly(url: str, body: str, headers: dict[str, str]) -> None:
    try:
        await post(url, body, headers)
    except DeliveryFailed as e:
        log.warning("%s", e.message)


def _post_once(url: str, body: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={
            **headers,
            "Content-Type": "text/plain; charset=UTF-8",
            "User-Agent": "Amazon Simple Notification Service Agent",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
