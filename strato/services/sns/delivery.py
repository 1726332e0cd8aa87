"""Delivery after Publish returns: to SQS, Lambda, HTTP/HTTPS and the email outbox.

Publish records each message in `sns:pending` (with the subscriptions it is for) and
hands it to a queue that one worker drains in order (so a FIFO topic's messages reach
their FIFO queues in order); the record goes once every subscription had its attempt,
and `start()` re-queues what a stop left behind. HTTP posts run as their own tasks:
their retries are in memory only (a stop mid-retry loses that one delivery).
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
from ...auth.policy import ALLOW, MalformedPolicy, Request, evaluate, parse
from ...store import keys
from . import envelope, filter_policy, records
from .base import SnsBase

log = logging.getLogger(__name__)
_HTTP_ATTEMPTS = 3


class DeliveryFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class DeliveryOperations(SnsBase):
    _queue: asyncio.Queue | None = None
    _worker: asyncio.Task | None = None

    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._tasks: set[asyncio.Task] = set()
        for key, item in list(self.store.scan(records.PENDING)):
            subs = [
                s
                for arn in item["Subs"]
                if (s := self.store.get(records.SUBSCRIPTIONS, _sub_key(arn))) is not None
            ]
            self._queue.put_nowait((key, item["Message"], subs))
        self._worker = asyncio.get_running_loop().create_task(self._work())

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker

    def dispatch(self, message: dict[str, Any]) -> None:
        subs = [s for s in self.subscriptions_of(message["TopicArn"]) if not s["Pending"]]
        if not subs:
            return
        key = keys.pack(f"{int(self.clock.now() * 1e6):020d}", message["MessageId"])
        item = {"Message": message, "Subs": [s["SubscriptionArn"] for s in subs]}
        self.store.put(records.PENDING, key, item)
        if self._queue is not None:
            self._queue.put_nowait((key, message, subs))

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            key, message, subs = await self._queue.get()
            for sub in subs:
                try:
                    self._deliver(message, sub)
                except Exception:
                    log.exception("SNS delivery to %s failed", sub["SubscriptionArn"])
            self.store.delete(records.PENDING, key)

    def _background(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- one message, one subscription ----------------------------------------------------
    def _deliver(self, message: dict[str, Any], sub: dict[str, Any]) -> None:
        if not _passes_filter(message, sub):
            return
        protocol = sub["Protocol"]
        body = message["Message"]
        text = body.get(protocol, body["default"]) if isinstance(body, dict) else body
        raw = sub["Attributes"].get("RawMessageDelivery", "false").lower() == "true"
        try:
            if protocol == "sqs":
                self._to_sqs(message, sub, text, raw)
            elif protocol == "lambda":
                self._to_lambda(message, sub, text)
            elif protocol in ("http", "https"):
                self._background(self._to_http(message, sub, text, raw))
            elif protocol in ("email", "email-json"):
                doc = envelope.notification(message, text, sub)
                self.capture_email(  # type: ignore[attr-defined]
                    sub,
                    message.get("Subject") or "AWS Notification Message",
                    text if protocol == "email" else envelope.dumps(doc),
                    message["MessageId"],
                )
        except DeliveryFailed as failure:
            self._dead_letter(message, sub, text, failure)

    def _to_sqs(self, message: dict[str, Any], sub: dict[str, Any], text: str, raw: bool) -> None:
        queue_arn = sub["Endpoint"]
        self._send_to_queue(queue_arn, message, sub, text, raw)

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
            raise DeliveryFailed("QueueDoesNotExist", "The specified queue does not exist.") from e
        if not _queue_allows(attrs.get("Policy"), queue_arn, message["TopicArn"]):
            raise DeliveryFailed("AccessDenied", "SNS is not authorized to send to the queue")
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
            )
        except Exception as e:
            raise DeliveryFailed(getattr(e, "code", "InternalError"), str(e)) from e

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
                "AccessDeniedException", "SNS is not authorized to invoke the function"
            )
        payload = json.dumps(envelope.lambda_event(message, text, sub)).encode()
        ctx = RequestContext(
            account_id=account,
            region=region,
            principal_arn="sns.amazonaws.com",
            access_key_id=None,
            request_id=str(uuid.uuid4()),
        )
        lam.enqueue(ctx, name, qualifier, payload, ctx.request_id)

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
        try:
            await post(sub["Endpoint"], body, headers)
        except DeliveryFailed as failure:
            self._dead_letter(message, sub, text, failure)

    def _dead_letter(
        self, message: dict[str, Any], sub: dict[str, Any], text: str, failure: DeliveryFailed
    ) -> None:
        policy = sub["Attributes"].get("RedrivePolicy")
        if not policy:
            log.warning("SNS dropped a message for %s: %s", sub["SubscriptionArn"], failure.message)
            return
        target = json.loads(policy)["deadLetterTargetArn"]
        extra = {"ErrorCode": failure.code, "ErrorMessage": failure.message[:256]}
        raw = sub["Attributes"].get("RawMessageDelivery", "false").lower() == "true"
        try:
            self._send_to_queue(target, message, sub, text, raw, extra)
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
    if not policy_text:
        return False
    try:
        statements = parse(policy_text)
    except MalformedPolicy:
        return False
    topic_account = topic_arn.split(":")[4]
    request = Request(
        principal_arn="*",
        account_id=topic_account,
        action="sqs:SendMessage",
        resource=queue_arn,
        context={"aws:SourceArn": topic_arn, "aws:SourceAccount": topic_account},
        service_principal="sns.amazonaws.com",
    )
    return evaluate(statements, request) == ALLOW


def _sub_key(arn: str) -> bytes:
    return records.subscription_key(*records.parse_subscription_arn(arn))  # type: ignore[misc]


def _sqs_attribute(attr: dict[str, Any]) -> dict[str, Any]:
    if attr.get("StringValue") is not None:
        return {"DataType": attr["DataType"], "StringValue": attr["StringValue"]}
    return {"DataType": attr["DataType"], "BinaryValue": base64.b64decode(attr["BinaryValue"])}


async def post(url: str, body: str, headers: dict[str, str]) -> None:
    """POST with retries; DeliveryFailed when every attempt fails."""
    last = ""
    for _ in range(_HTTP_ATTEMPTS):
        try:
            status = await asyncio.to_thread(_post_once, url, body, headers)
            if 200 <= status < 300:
                return
            last = f"HTTP {status}"
        except (OSError, urllib.error.URLError) as e:
            last = str(e)
        await asyncio.sleep(0.05)
    raise DeliveryFailed("EndpointUnreachable", f"HTTP delivery to {url} failed: {last}")


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
