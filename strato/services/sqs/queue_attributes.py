"""Queue attributes: defaults, validation with AWS's messages, and the computed ones."""

from __future__ import annotations

import json
import re
from typing import Any

from ...auth import policy
from .errors import invalid_attribute_name, invalid_attribute_value, invalid_parameter

# name -> (min, max) for the integer attributes
RANGES = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 262_144),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
DEFAULTS = {
    "DelaySeconds": "0",
    "MaximumMessageSize": "262144",
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "VisibilityTimeout": "30",
    "SqsManagedSseEnabled": "true",
}
FIFO_DEFAULTS = {
    "FifoQueue": "true",
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoThroughputLimit": "perQueue",
}
SETTABLE = {
    *RANGES,
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "KmsMasterKeyId",
    "SqsManagedSseEnabled",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
}
FIFO_ONLY = {"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}
COMPUTED = {
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
}
READABLE = SETTABLE | COMPUTED | {"FifoQueue"}

NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,75}\.fifo$")


def check_queue_name(name: str, fifo: bool) -> None:
    if fifo:
        if not FIFO_NAME.match(name):
            raise invalid_parameter(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
                "underscores, must end with .fifo suffix and be 1 to 80 in length."
            )
    elif not NAME.match(name):
        raise invalid_parameter(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        )


def validate(attributes: dict[str, str], fifo: bool, creating: bool) -> dict[str, str]:
    """The attributes as stored (normalised strings), or the error AWS gives."""
    out: dict[str, str] = {}
    for name, value in attributes.items():
        if name == "FifoQueue":
            if not creating:
                raise invalid_attribute_name(name)
            if value.lower() not in ("true", "false"):
                raise invalid_attribute_value(name)
            continue
        if name not in SETTABLE:
            raise invalid_attribute_name(name)
        if name in FIFO_ONLY and not fifo:
            raise invalid_attribute_name(name)
        if name in RANGES:
            lo, hi = RANGES[name]
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise invalid_attribute_value(name) from None
            if not lo <= number <= hi:
                raise invalid_attribute_value(name)
            out[name] = str(number)
        elif name in ("ContentBasedDeduplication", "SqsManagedSseEnabled"):
            if value.lower() not in ("true", "false"):
                raise invalid_attribute_value(name)
            out[name] = value.lower()
        elif name == "DeduplicationScope":
            if value not in ("messageGroup", "queue"):
                raise invalid_attribute_value(name)
            out[name] = value
        elif name == "FifoThroughputLimit":
            if value not in ("perQueue", "perMessageGroupId"):
                raise invalid_attribute_value(name)
            out[name] = value
        elif name == "RedrivePolicy":
            out[name] = _redrive_policy(value) if value else ""
        elif name == "RedriveAllowPolicy":
            out[name] = _redrive_allow_policy(value) if value else ""
        elif name == "Policy":
            if value:
                try:
                    policy.parse(value)
                except policy.MalformedPolicy as e:
                    raise invalid_attribute_value(name, f"Reason: {e}.") from None
            out[name] = value
        else:
            out[name] = value
    if out.get("DeduplicationScope") == "messageGroup" and "FifoThroughputLimit" not in out:
        pass
    if (
        out.get("FifoThroughputLimit") == "perMessageGroupId"
        and out.get("DeduplicationScope") == "queue"
    ):
        raise invalid_attribute_value(
            "FifoThroughputLimit",
            "Reason: The perMessageGroupId value is allowed only when the value for "
            "DeduplicationScope is messageGroup.",
        )
    return out


def _redrive_policy(value: str) -> str:
    try:
        policy = json.loads(value)
    except ValueError:
        raise invalid_attribute_value("RedrivePolicy", "Reason: Invalid JSON.") from None
    if not isinstance(policy, dict):
        raise invalid_attribute_value("RedrivePolicy")
    arn = policy.get("deadLetterTargetArn")
    count = policy.get("maxReceiveCount")
    if not arn or count is None:
        raise invalid_attribute_value(
            "RedrivePolicy",
            "Reason: Redrive policy does not contain mandatory attribute: "
            + ("deadLetterTargetArn." if not arn else "maxReceiveCount."),
        )
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise invalid_attribute_value(
            "RedrivePolicy",
            "Reason: Invalid value for maxReceiveCount: "
            f"{policy.get('maxReceiveCount')}, valid values are from 1 to 1000 both inclusive.",
        ) from None
    if not 1 <= count <= 1000:
        raise invalid_attribute_value(
            "RedrivePolicy",
            f"Reason: Invalid value for maxReceiveCount: {count}, valid values are from 1 to 1000 both inclusive.",
        )
    return json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": count}, separators=(",", ":"))


def _redrive_allow_policy(value: str) -> str:
    try:
        policy = json.loads(value)
    except ValueError:
        raise invalid_attribute_value("RedriveAllowPolicy", "Reason: Invalid JSON.") from None
    permission = policy.get("redrivePermission") if isinstance(policy, dict) else None
    if permission not in ("allowAll", "denyAll", "byQueue"):
        raise invalid_attribute_value(
            "RedriveAllowPolicy",
            "Reason: Invalid value for redrivePermission: valid values are allowAll, denyAll, byQueue.",
        )
    sources = policy.get("sourceQueueArns")
    if permission == "byQueue" and not sources:
        raise invalid_attribute_value(
            "RedriveAllowPolicy",
            "Reason: sourceQueueArns must be specified when redrivePermission is byQueue.",
        )
    if permission != "byQueue" and sources:
        raise invalid_attribute_value(
            "RedriveAllowPolicy",
            "Reason: sourceQueueArns may only be specified when redrivePermission is byQueue.",
        )
    return value


def redrive_policy(queue: dict[str, Any]) -> dict[str, Any] | None:
    raw = queue["Attributes"].get("RedrivePolicy")
    return json.loads(raw) if raw else None


def is_fifo(queue: dict[str, Any]) -> bool:
    return queue["Attributes"].get("FifoQueue") == "true"


def int_attr(queue: dict[str, Any], name: str) -> int:
    return int(queue["Attributes"].get(name, DEFAULTS.get(name, "0")))
