"""SendMessage and SendMessageBatch: validation with AWS's messages, delays, FIFO dedup."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from . import records
from .base import QueueId, SqsBase
from .checksums import attributes_size, md5_of_attributes
from .errors import invalid_parameter, invalid_value, missing_parameter
from .queue_attributes import int_attr, is_fifo

# XML 1.0 characters SQS accepts in a body
_INVALID_CHARS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_DEDUP_ID = re.compile(r"^[!-~]{1,128}$")


def stored_attributes(attributes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Message attributes as given on the wire -> as stored (binary base64, validated)."""
    out: dict[str, dict[str, Any]] = {}
    for name, value in (attributes or {}).items():
        data_type = value.get("DataType") or ""
        if not data_type:
            raise invalid_parameter(
                f"The message attribute '{name}' must contain a non-empty attribute type."
            )
        base_type = data_type.split(".", 1)[0]
        if base_type not in ("String", "Number", "Binary"):
            raise invalid_parameter(
                f"The type of message (user) attribute '{name}' is invalid. You must use only the "
                "following supported type prefixes: Binary, Number, String."
            )
        if base_type == "Binary":
            raw = value.get("BinaryValue")
            if raw is None or raw == b"":
                raise invalid_parameter(
                    f"The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{data_type}'."
                )
            if isinstance(raw, str):
                raw = raw.encode()
            out[name] = {"DataType": data_type, "BinaryValue": base64.b64encode(raw).decode()}
        else:
            text = value.get("StringValue")
            if text is None or text == "":
                raise invalid_parameter(
                    f"The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{data_type}'."
                )
            if base_type == "Number":
                try:
                    float(text)
                except ValueError:
                    raise invalid_parameter(
                        f"Can't cast the value of message (user) attribute '{name}' to a number."
                    ) from None
            out[name] = {"DataType": data_type, "StringValue": text}
    if len(out) > 10:
        raise invalid_parameter(
            f"Number of message attributes [{len(out)}] exceeds the allowed maximum [10]."
        )
    return out


def wire_attributes(stored: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, value in stored.items():
        if "BinaryValue" in value:
            out[name] = {
                "DataType": value["DataType"],
                "BinaryValue": base64.b64decode(value["BinaryValue"]),
            }
        else:
            out[name] = dict(value)
    return out


class SendOperations(SqsBase):
    def send_message(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid = self.queue_id(ctx.account_id, ctx.region, params["QueueUrl"])
        queue = self.queue_record(qid)
        with self.store.transaction() as tx:
            return self._send_one(tx, ctx, qid, queue, params)

    def send_message_batch(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid = self.queue_id(ctx.account_id, ctx.region, params["QueueUrl"])
        queue = self.queue_record(qid)
        entries = params.get("Entries") or []
        check_batch(entries)
        total = sum(
            len(e.get("MessageBody", "").encode()) + attributes_size(_safe_attrs(e))
            for e in entries
        )
        if total > int_attr(queue, "MaximumMessageSize"):
            raise ServiceError(
                "BatchRequestTooLong",
                f"Batch requests cannot be longer than {int_attr(queue, 'MaximumMessageSize')} bytes. "
                f"You have sent {total} bytes.",
            )
        ok, failed = [], []
        with self.store.transaction() as tx:
            for entry in entries:
                try:
                    result = self._send_one(tx, ctx, qid, queue, entry)
                except ServiceError as err:
                    failed.append(
                        {
                            "Id": entry["Id"],
                            "SenderFault": err.sender_fault,
                            "Code": err.code,
                            "Message": err.message,
                        }
                    )
                    continue
                ok.append({"Id": entry["Id"], **result})
        return {"Successful": ok, "Failed": failed}

    def _send_one(
        self,
        tx: Any,
        ctx: RequestContext,
        qid: QueueId,
        queue: dict[str, Any],
        params: dict[str, Any],
    ) -> dict[str, Any]:
        body = params.get("MessageBody")
        attributes = stored_attributes(params.get("MessageAttributes"))
        group, dedup = params.get("MessageGroupId"), params.get("MessageDeduplicationId")
        delay = params.get("DelaySeconds")
        self.check_message(queue, body, attributes, delay, group, dedup)
        if is_fifo(queue) and dedup is None:
            dedup = hashlib.sha256(body.encode()).hexdigest()
        # The AWSTraceHeader system attribute wins over the request's X-Amzn-Trace-Id header.
        given = trace_attribute(params.get("MessageSystemAttributes"))
        trace = given or ctx.extras.get("trace_header")
        system = {"AWSTraceHeader": trace} if trace else {}
        message = self.enqueue(
            tx,
            qid,
            queue,
            body,
            attributes,
            delay=delay,
            group_id=group,
            dedup_id=dedup,
            sender=ctx.access_key_id or ctx.account_id,
            system=system,
        )
        out = {"MessageId": message["Id"], "MD5OfMessageBody": message["Md5"]}
        if message["AttrMd5"]:
            out["MD5OfMessageAttributes"] = message["AttrMd5"]
        if given:
            out["MD5OfMessageSystemAttributes"] = md5_of_attributes(
                {"AWSTraceHeader": {"DataType": "String", "StringValue": given}}
            )
        if message.get("SequenceNumber"):
            out["SequenceNumber"] = message["SequenceNumber"]
        return out

    def check_message(
        self,
        queue: dict[str, Any],
        body: str | None,
        attributes: dict[str, dict[str, Any]],
        delay: int | None,
        group: str | None,
        dedup: str | None,
    ) -> None:
        if body is None or body == "":
            raise missing_parameter("MessageBody")
        if _INVALID_CHARS.search(body):
            raise ServiceError(
                "InvalidMessageContents",
                "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to "
                "#xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
            )
        limit = int_attr(queue, "MaximumMessageSize")
        if len(body.encode()) + attributes_size(attributes) > limit:
            raise invalid_parameter(
                f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."
            )
        fifo = is_fifo(queue)
        if delay is not None:
            if fifo:
                raise invalid_value(
                    "DelaySeconds",
                    delay,
                    "The request include parameter that is not valid for this queue type",
                )
            if not 0 <= delay <= 900:
                raise invalid_value("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900.")
        if fifo:
            if not group:
                raise missing_parameter("MessageGroupId")
            if dedup is None and queue["Attributes"].get("ContentBasedDeduplication") != "true":
                raise invalid_parameter(
                    "The queue should either have ContentBasedDeduplication enabled or "
                    "MessageDeduplicationId provided explicitly"
                )
            if dedup is not None and not _DEDUP_ID.match(dedup):
                raise invalid_value(
                    "MessageDeduplicationId",
                    dedup,
                    "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.",
                )
        elif dedup is not None:
            raise invalid_value(
                "MessageDeduplicationId",
                dedup,
                "The request include parameter that is not valid for this queue type",
            )


def trace_attribute(system: dict[str, Any] | None) -> str | None:
    """The AWSTraceHeader a sender gave as a message system attribute (the only one SQS has)."""
    for name, value in (system or {}).items():
        if name != "AWSTraceHeader":
            raise invalid_parameter(
                f"Message system attribute name '{name}' is invalid. Only AWSTraceHeader is supported."
            )
        if value.get("DataType") != "String" or not value.get("StringValue"):
            raise invalid_parameter(
                "Message system attribute 'AWSTraceHeader' must have the String data type and a "
                "non-empty value."
            )
        return value["StringValue"]
    return None


def check_batch(entries: list[dict[str, Any]]) -> None:
    if not entries:
        raise ServiceError(
            "EmptyBatchRequest",
            "There should be at least one SendMessageBatchRequestEntry in the request.",
        )
    if len(entries) > 10:
        raise ServiceError(
            "TooManyEntriesInBatchRequest",
            f"Maximum number of entries per request are 10. You have sent {len(entries)}.",
        )
    seen = set()
    for entry in entries:
        if not _BATCH_ID.match(entry["Id"]):
            raise ServiceError(
                "InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                "It can be at most 80 letters long.",
            )
        if entry["Id"] in seen:
            raise ServiceError("BatchEntryIdsNotDistinct", f"Id {entry['Id']} repeated.")
        seen.add(entry["Id"])


def _safe_attrs(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    try:
        return stored_attributes(entry.get("MessageAttributes"))
    except ServiceError:
        return {}


__all__ = ["SendOperations", "check_batch", "records", "stored_attributes", "wire_attributes"]
