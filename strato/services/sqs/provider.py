"""The SQS provider: every operation Strato implements, composed by area.

Besides the AWS API (json and the older query protocol), other parts of Strato (SNS,
EventBridge, S3 notifications, Lambda destinations and event source mappings) use
these plain methods, without HTTP. `queue` is a queue URL, ARN or name (the name is
looked up in `account`/`region`). All raise `ServiceError` (QueueDoesNotExist, ...).

    send_internal(account, region, queue, body, attributes=None, group_id=None,
                  dedup_id=None, source_arn=None, delay_seconds=None, *,
                  trace_header=None) -> message_id
        One durable message (joins the caller's store transaction if there is one).
        `attributes`: name -> str (a String attribute) or a wire-shaped value
        {"DataType", "StringValue" | "BinaryValue"}. FIFO queues need `group_id`;
        without `dedup_id` the body's SHA-256 deduplicates. Wakes long-polling receivers.
        `trace_header`: the X-Amzn-Trace-Id of the call that caused the delivery; it becomes
        the message's AWSTraceHeader (Lambda's recursion detection follows it).
    service_may_send(account, region, queue, service_principal, source_arn=None,
                     source_account=None) -> bool
        Whether the queue policy lets a service ("sns.amazonaws.com", ...) send to it on
        behalf of `source_arn` (aws:SourceArn / aws:SourceAccount conditions evaluated).
    receive_internal(account, region, queue, max_messages=10, visibility_timeout=None)
            -> list[dict]
        Messages as ReceiveMessage returns them, with every system and message attribute
        (MessageId, ReceiptHandle, Body, Attributes, MessageAttributes, MD5s). Honours
        visibility, FIFO group order and the queue's redrive policy. Never waits.
    await wait_for_messages(..., wait_seconds=20) -> list[dict]
        The same, long-polling up to `wait_seconds` (returns as soon as one arrives).
    delete_internal(account, region, queue, receipt_handle) -> bool
    change_visibility_internal(account, region, queue, receipt_handle, timeout) -> None
    queue_exists(account, region, queue) -> bool
    queue_attributes_internal(account, region, queue) -> dict[str, str]
        Every attribute GetQueueAttributes(All) returns (QueueArn, Policy, ...).
    deliver_lambda_destination(arn, record_json) / deliver_lambda_dead_letter(arn, body,
            attributes)
        Lambda's seam (lambda_/destinations.py): the record or failed event becomes
        the message body; dead-letter attributes become String message attributes.

Every API call passes `authorize` first (access.py): callers from other accounts (and
anonymous ones) need an Allow in the queue's Policy; the queue's own account is refused
only by an explicit Deny.
"""

from __future__ import annotations

from .access import QueueAccess
from .internal import InternalApi
from .move_tasks import MoveTaskOperations
from .queues import QueueOperations
from .receiving import ReceiveOperations
from .sending import SendOperations


class SqsProvider(
    QueueAccess,
    QueueOperations,
    SendOperations,
    ReceiveOperations,
    MoveTaskOperations,
    InternalApi,
):
    """Standard and FIFO queues, messages, long polling, dead-letter redrive, move tasks."""
