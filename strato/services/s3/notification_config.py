"""Checking a bucket notification configuration the way S3 does before storing it."""

from __future__ import annotations

import re
import uuid
from typing import Any

from .errors import invalid_argument, malformed_xml

EVENTS = frozenset(
    {
        "s3:TestEvent",
        "s3:ReducedRedundancyLostObject",
        "s3:ObjectCreated:*",
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "s3:ObjectRemoved:*",
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
        "s3:ObjectRestore:*",
        "s3:ObjectRestore:Post",
        "s3:ObjectRestore:Completed",
        "s3:ObjectRestore:Delete",
        "s3:Replication:*",
        "s3:Replication:OperationFailedReplication",
        "s3:Replication:OperationNotTracked",
        "s3:Replication:OperationMissedThreshold",
        "s3:Replication:OperationReplicatedAfterThreshold",
        "s3:LifecycleTransition",
        "s3:IntelligentTiering",
        "s3:ObjectAcl:Put",
        "s3:LifecycleExpiration:*",
        "s3:LifecycleExpiration:Delete",
        "s3:LifecycleExpiration:DeleteMarkerCreated",
        "s3:ObjectTagging:*",
        "s3:ObjectTagging:Put",
        "s3:ObjectTagging:Delete",
    }
)

# configuration list -> (ARN member, service the ARN must name)
DESTINATIONS = {
    "TopicConfigurations": ("TopicArn", "sns"),
    "QueueConfigurations": ("QueueArn", "sqs"),
    "LambdaFunctionConfigurations": ("LambdaFunctionArn", "lambda"),
}


def checked_notification_config(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration as S3 stores it (ids filled in, rule names capitalised), or S3's error."""
    for field, (arn_member, service) in DESTINATIONS.items():
        for item in config.get(field, []):
            arn = item.get(arn_member) or ""
            if not re.match(rf"^arn:aws[a-z-]*:{service}:", arn):
                raise invalid_argument("The ARN could not be parsed", arn_member, arn)
            events = item.get("Events") or []
            if not events:
                raise malformed_xml()
            for event in events:
                if event not in EVENTS:
                    raise invalid_argument(
                        "The event is not supported for notifications", "Event", event
                    )
            _check_filter(item)
            if not item.get("Id"):
                item["Id"] = str(uuid.uuid4())
    return config


def _check_filter(item: dict[str, Any]) -> None:
    rules = ((item.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    seen: set[str] = set()
    for rule in rules:
        name = (rule.get("Name") or "").lower()
        if name not in ("prefix", "suffix"):
            raise invalid_argument(
                "filter rule name must be either prefix or suffix",
                "FilterRule.Name",
                rule.get("Name"),
            )
        if name in seen:
            raise invalid_argument(
                f"Cannot specify more than one {name} rule in a filter.",
                "FilterRule.Name",
                rule.get("Name"),
            )
        seen.add(name)
        rule["Name"] = (
            name.capitalize()
        )  # S3 answers "Prefix"/"Suffix" whatever case it was sent in
