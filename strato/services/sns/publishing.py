"""Publish and PublishBatch: validation, FIFO deduplication and sequence numbers, hand-off to delivery."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from ...store import keys
from . import envelope, records
from .base import SnsBase
from .errors import invalid_parameter, invalid_parameter_value

_DEDUP_WINDOW = 300.0
_MAX_SIZE = 262_144
_seq_lock = threading.Lock()


def _check_attributes(attributes: dict[str, dict[str, Any]]) -> None:
    for name, attr in attributes.items():
        data_type = attr.get("DataType") or ""
        base = data_type.split(".")[0]
        if base not in ("String", "Number", "Binary"):
            raise invalid_parameter_value(
                f"The message attribute '{name}' has an invalid message attribute type, the set of "
                "supported type prefixes is Binary, Number, and String."
            )
        if attr.get("StringValue") is None and attr.get("BinaryValue") is None:
            raise invalid_parameter_value(
                f"The message attribute '{name}' must contain non-empty message attribute value "
                f"for message attribute type '{base}'."
            )
        if base == "Number":
            try:
                float(attr["StringValue"])
            except (TypeError, ValueError, KeyError) as e:
                raise invalid_parameter_value(
                    f"An error occurred while validating the number value of the message "
                    f"attribute '{name}': Invalid number format"
                ) from e
        if data_type == "String.Array":
            try:
                ok = isinstance(json.loads(attr.get("StringValue") or ""), list)
            except ValueError:
                ok = False
            if not ok:
                raise invalid_parameter_value(
                    f"The message attribute '{name}' with type 'String.Array' has an invalid "
                    "value: must be a JSON array."
                )


def _storable(attr: dict[str, Any]) -> dict[str, Any]:
    """An attribute as the store keeps it: binary values as base64 text."""
    if attr.get("StringValue") is not None:
        return {"DataType": attr["DataType"], "StringValue": attr["StringValue"]}
    raw = attr["BinaryValue"]
    raw = raw if isinstance(raw, bytes) else str(raw).encode()
    return {"DataType": attr["DataType"], "BinaryValue": base64.b64encode(raw).decode()}


class PublishOperations(SnsBase):
    _last_seq = 0

    def publish(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        arn = p.get("TopicArn") or p.get("TargetArn")
        if not arn:
            if p.get("PhoneNumber"):
                return {"MessageId": str(uuid.uuid4())}  # SMS is accepted and not sent
            raise invalid_parameter("TopicArn or TargetArn Reason: no value for required parameter")
        topic = self.topic(ctx, arn)
        return self._publish(topic, p, ctx.extras.get("trace_header"))

    def publish_batch(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        entries = p["PublishBatchRequestEntries"]
        if not entries:
            raise ServiceError(
                "EmptyBatchRequest", "The batch request doesn't contain any entries."
            )
        if len(entries) > 10:
            raise ServiceError(
                "TooManyEntriesInBatchRequest",
                "The batch request contains more entries than permissible.",
            )
        if len({e["Id"] for e in entries}) != len(entries):
            raise ServiceError(
                "BatchEntryIdsNotDistinct",
                "Two or more batch entries in the request have the same Id.",
            )
        topic = self.topic(ctx, p["TopicArn"])
        if topic["Attributes"].get("FifoTopic") == "true" and any(
            not e.get("MessageGroupId") for e in entries
        ):
            raise invalid_parameter("The MessageGroupId parameter is required for FIFO topics")
        successful, failed = [], []
        for entry in entries:
            try:
                result = self._publish(topic, entry, ctx.extras.get("trace_header"))
            except ServiceError as e:
                failed.append(
                    {"Id": entry["Id"], "Code": e.code, "Message": e.message, "SenderFault": True}
                )
                continue
            successful.append({"Id": entry["Id"], **result})
        return {"Successful": successful, "Failed": failed}

    def publish_internal(
        self,
        account: str,
        region: str,
        topic: str,
        message: str,
        subject: str | None = None,
        attributes: dict[str, Any] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
        trace_header: str | None = None,
    ) -> str:
        """Publish for other parts of Strato (EventBridge, S3, Lambda destinations).

        `topic` is an ARN or a name in `account`/`region`; `attributes`: name -> str or a
        wire-shaped value. A FIFO topic gets group "default" and content-based dedup unless
        given. Raises ServiceError (NotFound, InvalidParameter).
        """
        parsed = records.parse_topic_arn(topic) or (account, region, topic)
        record = self.store.get(records.TOPICS, records.topic_key(*parsed))
        if not record:
            raise ServiceError("NotFound", "Topic does not exist", 404)
        wire = {
            k: v if isinstance(v, dict) else {"DataType": "String", "StringValue": str(v)}
            for k, v in (attributes or {}).items()
        }
        if record["Attributes"].get("FifoTopic") == "true":
            group_id = group_id or "default"
            dedup_id = dedup_id or hashlib.sha256(message.encode()).hexdigest()
        params = {
            "Message": message,
            "Subject": subject,
            "MessageAttributes": wire,
            "MessageGroupId": group_id,
            "MessageDeduplicationId": dedup_id,
        }
        params = {k: v for k, v in params.items() if v}
        return self._publish(record, params, trace_header)["MessageId"]

    def deliver_lambda_destination(self, arn: str, record_json: str) -> None:
        self.publish_internal("", "", arn, record_json)

    def deliver_lambda_dead_letter(self, arn: str, body: str, attributes: dict[str, str]) -> None:
        self.publish_internal("", "", arn, body, attributes=attributes)

    # -- the one path every publish takes ------------------------------------------------
    def _publish(
        self, topic: dict[str, Any], p: dict[str, Any], trace_header: str | None = None
    ) -> dict[str, Any]:
        text = p.get("Message")
        if text is None or text == "":
            raise invalid_parameter("Empty message")
        if len(text.encode()) > _MAX_SIZE:
            raise invalid_parameter("Message too long")
        subject = p.get("Subject")
        if subject is not None and (
            not subject or len(subject) > 100 or any(c in subject for c in "\r\n")
        ):
            raise invalid_parameter("Subject")
        attributes = p.get("MessageAttributes") or {}
        _check_attributes(attributes)
        attributes = {name: _storable(attr) for name, attr in attributes.items()}
        message_body: Any = text
        if p.get("MessageStructure"):
            if p["MessageStructure"] != "json":
                raise invalid_parameter("MessageStructure")
            try:
                message_body = json.loads(text)
            except ValueError as e:
                raise invalid_parameter(
                    "Message Structure - JSON message body failed to parse"
                ) from e
            if not isinstance(message_body, dict) or not isinstance(
                message_body.get("default"), str
            ):
                raise invalid_parameter("Message Structure - No default entry in JSON message body")
        fifo = topic["Attributes"].get("FifoTopic") == "true"
        group_id, dedup_id = p.get("MessageGroupId"), p.get("MessageDeduplicationId")
        if fifo:
            if not group_id:
                raise invalid_parameter("The MessageGroupId parameter is required for FIFO topics")
            if not dedup_id:
                if topic["Attributes"].get("ContentBasedDeduplication") != "true":
                    raise invalid_parameter(
                        "The topic should either have ContentBasedDeduplication enabled or "
                        "MessageDeduplicationId provided explicitly"
                    )
                dedup_id = hashlib.sha256(text.encode()).hexdigest()
        elif dedup_id:
            raise invalid_parameter(
                "MessageDeduplicationId Reason: The request includes MessageDeduplicationId "
                "parameter that is not valid for this topic type"
            )
        now = self.clock.now()
        message = {
            "MessageId": str(uuid.uuid4()),
            "TopicArn": topic["TopicArn"],
            "Subject": subject,
            "Message": message_body,
            "MessageAttributes": attributes,
            "Timestamp": envelope.timestamp(now),
            "GroupId": group_id if fifo else None,
            "DedupId": dedup_id if fifo else None,
        }
        if trace_header:
            message["TraceHeader"] = trace_header
        with self.store.transaction() as tx:
            if fifo:
                key = keys.pack(topic["TopicArn"], dedup_id)
                seen = tx.get(records.DEDUP, key)
                if seen and seen["Expires"] > now:
                    return {
                        "MessageId": seen["MessageId"],
                        "SequenceNumber": seen["SequenceNumber"],
                    }
                message["SequenceNumber"] = self._next_sequence()
                tx.put(
                    records.DEDUP,
                    key,
                    {
                        "Expires": now + _DEDUP_WINDOW,
                        "MessageId": message["MessageId"],
                        "SequenceNumber": message["SequenceNumber"],
                    },
                )
            self.dispatch(message)  # type: ignore[attr-defined]
        out = {"MessageId": message["MessageId"]}
        if fifo:
            out["SequenceNumber"] = message["SequenceNumber"]
        return out

    def _next_sequence(self) -> str:
        with _seq_lock:
            now = int(self.clock.now() * 1_000_000)
            PublishOperations._last_seq = max(PublishOperations._last_seq + 1, now)
            return f"{PublishOperations._last_seq:020d}"
