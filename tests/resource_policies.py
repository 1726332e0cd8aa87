"""Resource policies tests attach so AWS services may deliver to queues and topics."""

from __future__ import annotations

import json


def service_may(service: str, action: str, resource: str, condition: dict | None = None) -> str:
    """A policy letting `service` (e.g. "sns.amazonaws.com") call `action` on `resource`."""
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": action,
        "Resource": resource,
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def sns_may_send(topic_arn: str, queue_arn: str) -> str:
    """The queue policy a topic's SQS subscription needs (aws:SourceArn = the topic)."""
    condition = {"ArnEquals": {"aws:SourceArn": topic_arn}}
    return service_may("sns.amazonaws.com", "sqs:SendMessage", queue_arn, condition)


def s3_may(action: str, resource: str, bucket: str) -> str:
    """The policy AWS's documentation shows for S3 event notifications to a queue or topic."""
    condition = {
        "ArnLike": {"aws:SourceArn": f"arn:aws:s3:*:*:{bucket}"},
        "StringEquals": {"aws:SourceAccount": resource.split(":")[4]},
    }
    return service_may("s3.amazonaws.com", action, resource, condition)
