"""S3 event notifications: the event document S3 sends, and its delivery to SQS, SNS and Lambda.

Write paths call `object_event` inside their store transaction, so an SQS message, a queued
asynchronous Lambda invocation or an EventBridge delivery commits (or rolls back) with the
write that caused it.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
import uuid
from typing import Any
from urllib.parse import quote_plus

from ...auth import RequestContext
from ...protocol import ServiceError

log = logging.getLogger(__name__)

# configuration list -> the member naming its destination
_TARGETS = {
    "QueueConfigurations": "QueueArn",
    "TopicConfigurations": "TopicArn",
    "LambdaFunctionConfigurations": "LambdaFunctionArn",
}
_SUBJECT = "Amazon S3 Notification"


def _iso(seconds: float) -> str:
    return (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        + f".{int(seconds * 1000) % 1000:03d}Z"
    )


def _host_id() -> str:
    return base64.b64encode(secrets.token_bytes(48)).decode()


def event_matches(configured: list[str], event_name: str) -> bool:
    """Does a configuration's Events list cover `event_name` (e.g. "ObjectCreated:Put")?"""
    group = event_name.split(":")[0]
    return any(e in (f"s3:{event_name}", f"s3:{group}:*") for e in configured)


def key_matches(item: dict[str, Any], key: str) -> bool:
    """Do the configuration's prefix/suffix filter rules accept the (unencoded) key?"""
    rules = ((item.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    for rule in rules:
        name, value = (rule.get("Name") or "").lower(), rule.get("Value") or ""
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True


def event_document(
    ctx: RequestContext,
    bucket: dict[str, Any],
    event_name: str,
    key: str,
    record: dict[str, Any] | None,
    version_id: str | None,
    sequencer: str,
    configuration_id: str,
    now: float,
) -> dict[str, Any]:
    """The notification body exactly as S3 shapes it (one record)."""
    obj: dict[str, Any] = {"key": quote_plus(key, safe="/")}
    if record is not None and not record.get("DeleteMarker") and "Size" in record:
        obj["size"] = record["Size"]
        obj["eTag"] = record["ETag"].strip('"')
    if version_id and version_id != "null":
        obj["versionId"] = version_id
    obj["sequencer"] = sequencer
    principal = f"AWS:{ctx.access_key_id or ctx.account_id}"
    owner_id = bucket.get("Account", ctx.account_id)
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": bucket.get("Region") or ctx.region,
                "eventTime": _iso(now),
                "eventName": event_name,
                "userIdentity": {"principalId": principal},
                "requestParameters": {
                    "sourceIPAddress": ctx.extras.get("source_ip") or "127.0.0.1"
                },
                "responseElements": {
                    "x-amz-request-id": ctx.request_id,
                    "x-amz-id-2": _host_id(),
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {
                        "name": bucket["Name"],
                        "ownerIdentity": {"principalId": owner_id},
                        "arn": f"arn:aws:s3:::{bucket['Name']}",
                    },
                    "object": obj,
                },
            }
        ]
    }


def object_event(
    s3: Any,
    ctx: RequestContext,
    bucket: dict[str, Any],
    event_name: str,
    key: str,
    record: dict[str, Any] | None = None,
    version_id: str | None = None,
) -> None:
    """Send `event_name` for `key` to every matching destination of the bucket's configuration.

    `s3` is the S3 provider (for the platform, clock and version order). A destination that
    is gone or refuses is skipped, as S3 drops such notifications.
    """
    config = bucket.get("Notification") or {}
    bridge = config.get("EventBridgeConfiguration") is not None
    if not bridge and not any(config.get(field) for field in _TARGETS):
        return
    if version_id is None and record is not None:
        version_id = record.get("VersionId")
    # Version orders sort newest first; flipping one gives a hex number rising with every write.
    sequencer = f"{(1 << 64) - 1 - int(s3.orders.next()[:16], 16):016X}"
    now = s3.clock.now()
    for field, arn_member in _TARGETS.items():
        for item in config.get(field) or []:
            if not event_matches(item.get("Events") or [], event_name) or not key_matches(
                item, key
            ):
                continue
            body = json.dumps(
                event_document(
                    ctx, bucket, event_name, key, record, version_id, sequencer, item["Id"], now
                )
            )
            try:
                _deliver(s3.platform, ctx, bucket, item[arn_member], body)
            except ServiceError as err:
                log.warning("S3 notification to %s dropped: %s", item[arn_member], err.message)
    if bridge:
        _to_eventbridge(s3.platform, ctx, bucket, event_name, key, record, version_id, sequencer)


def removed_event(
    s3: Any,
    ctx: RequestContext,
    bucket: dict[str, Any],
    key: str,
    requested_version: str | None,
    result: dict[str, Any],
) -> None:
    """ObjectRemoved:DeleteMarkerCreated when a delete made a marker, ObjectRemoved:Delete otherwise."""
    if result.get("DeleteMarker") and not requested_version:
        object_event(
            s3, ctx, bucket, "ObjectRemoved:DeleteMarkerCreated", key, None, result["VersionId"]
        )
    else:
        object_event(s3, ctx, bucket, "ObjectRemoved:Delete", key, None, result.get("VersionId"))


def test_event(s3: Any, ctx: RequestContext, bucket: dict[str, Any]) -> None:
    """The s3:TestEvent S3 sends each queue and topic when a configuration is stored."""
    config = bucket.get("Notification") or {}
    body = json.dumps(
        {
            "Service": "Amazon S3",
            "Event": "s3:TestEvent",
            "Time": _iso(s3.clock.now()),
            "Bucket": bucket["Name"],
            "RequestId": ctx.request_id,
            "HostId": _host_id(),
        }
    )
    arns = [i["QueueArn"] for i in config.get("QueueConfigurations") or []]
    arns += [i["TopicArn"] for i in config.get("TopicConfigurations") or []]
    for arn in dict.fromkeys(arns):
        try:
            _deliver(s3.platform, ctx, bucket, arn, body)
        except ServiceError as err:
            log.warning("S3 test event to %s dropped: %s", arn, err.message)


_UNVALIDATED = "Unable to validate the following destination configurations"
_PRINCIPAL = "s3.amazonaws.com"


def check_destinations(
    s3: Any, ctx: RequestContext, bucket: dict[str, Any], config: dict[str, Any]
) -> None:
    """S3's InvalidArgument, one ArgumentName/ArgumentValue pair per destination that is missing
    or whose policy does not let S3 deliver this bucket's notifications to it."""
    arns = [item[member] for field, member in _TARGETS.items() for item in config.get(field) or []]
    fields: dict[str, str] = {}
    for arn in dict.fromkeys(arns):
        reason = _refusal(s3.platform, ctx, bucket, arn)
        if reason is not None:
            n = len(fields) // 2 + 1
            fields[f"ArgumentName{n}"] = arn
            fields[f"ArgumentValue{n}"] = reason
    if fields:
        raise ServiceError("InvalidArgument", _UNVALIDATED, 400, **fields)


# service -> (what S3 calls the destination, the provider's policy check)
_POLICY_CHECKS = {"sqs": ("queue", "service_may_send"), "sns": ("topic", "service_may_publish")}


def _refusal(platform: Any, ctx: RequestContext, bucket: dict[str, Any], arn: str) -> str | None:
    """Why S3 may not deliver to `arn`, in S3's words, or None when it may."""
    parts = arn.split(":")
    if len(parts) < 6:
        return "The ARN is not well formed"
    service, region, account = parts[2], parts[3], parts[4]
    source_arn = f"arn:aws:s3:::{bucket['Name']}"
    source_account = bucket.get("Account", ctx.account_id)
    if service in _POLICY_CHECKS:
        kind, check = _POLICY_CHECKS[service]
        try:
            allowed = getattr(platform.provider(service), check)(
                account, region, arn, _PRINCIPAL, source_arn, source_account
            )
        except ServiceError:
            return f"The destination {kind} does not exist"
        if not allowed:
            return (
                f"Permissions on the destination {kind} do not allow S3 to publish "
                "notifications from this bucket"
            )
    elif service == "lambda":
        from ..lambda_ import records as lambda_records

        target = lambda_records.parse_function_arn(arn)
        lam = platform.provider("lambda")
        if target is None or not lam.store.get(
            lambda_records.FUNCTIONS, lambda_records.function_key(*target[:3])
        ):
            return "The destination Lambda does not exist"
        if not lam.allows(*target, None, _PRINCIPAL, source_arn, source_account):
            return f"Not authorized to invoke function [{arn}]"
    return None


def _deliver(
    platform: Any, ctx: RequestContext, bucket: dict[str, Any], arn: str, body: str
) -> None:
    parts = arn.split(":")
    service, region, account = parts[2], parts[3], parts[4]
    source_arn = f"arn:aws:s3:::{bucket['Name']}"
    # A policy changed after the configuration was stored still stops delivery, as on AWS.
    if service in ("sqs", "sns") and _refusal(platform, ctx, bucket, arn) is not None:
        log.warning("S3 notification to %s dropped: %s may not send to it", arn, _PRINCIPAL)
        return
    if service == "sqs":
        # The writer's trace header rides along, so a function fed by the queue knows its chain.
        platform.provider("sqs").send_internal(
            account,
            region,
            arn,
            body,
            source_arn=source_arn,
            trace_header=ctx.extras.get("trace_header"),
        )
    elif service == "sns":
        platform.provider("sns").publish_internal(account, region, arn, body, subject=_SUBJECT)
    elif service == "lambda":
        _invoke(platform, ctx, bucket, arn, body)


def _invoke(
    platform: Any, ctx: RequestContext, bucket: dict[str, Any], arn: str, body: str
) -> None:
    from ..lambda_ import records as lambda_records

    target = lambda_records.parse_function_arn(arn)
    if target is None:
        return
    account, region, name, qualifier = target
    lam = platform.provider("lambda")
    source_account = bucket.get("Account", ctx.account_id)
    if not lam.allows(
        account,
        region,
        name,
        qualifier,
        None,
        "s3.amazonaws.com",
        f"arn:aws:s3:::{bucket['Name']}",
        source_account,
    ):
        log.warning("S3 notification to %s dropped: s3.amazonaws.com may not invoke it", arn)
        return
    fn_ctx = RequestContext(
        account, region, f"arn:aws:iam::{account}:root", None, str(uuid.uuid4()), service="lambda"
    )
    # An object written by a function carries its chain's depth; Lambda stops deep chains.
    lam.invoke_async(
        fn_ctx, name, qualifier, body.encode(), trace_header=ctx.extras.get("trace_header")
    )


# eventName -> (EventBridge detail-type, reason)
_BRIDGE = {
    "ObjectCreated:Put": ("Object Created", "PutObject"),
    "ObjectCreated:Post": ("Object Created", "POST Object"),
    "ObjectCreated:Copy": ("Object Created", "CopyObject"),
    "ObjectCreated:CompleteMultipartUpload": ("Object Created", "CompleteMultipartUpload"),
    "ObjectRemoved:Delete": ("Object Deleted", "DeleteObject"),
    "ObjectRemoved:DeleteMarkerCreated": ("Object Deleted", "DeleteObject"),
    "ObjectTagging:Put": ("Object Tags Added", "PutObjectTagging"),
    "ObjectTagging:Delete": ("Object Tags Deleted", "DeleteObjectTagging"),
}


def _to_eventbridge(
    platform: Any,
    ctx: RequestContext,
    bucket: dict[str, Any],
    event_name: str,
    key: str,
    record: dict[str, Any] | None,
    version_id: str | None,
    sequencer: str,
) -> None:
    """The event S3 puts on the bucket owner's default bus when EventBridge is enabled."""
    if event_name not in _BRIDGE:
        return
    detail_type, reason = _BRIDGE[event_name]
    obj: dict[str, Any] = {"key": key}
    if record is not None and "Size" in record:
        obj["size"] = record["Size"]
        obj["etag"] = record["ETag"].strip('"')
    if version_id and version_id != "null":
        obj["version-id"] = version_id
    obj["sequencer"] = sequencer
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": bucket["Name"]},
        "object": obj,
        "request-id": ctx.request_id,
        "requester": ctx.account_id,
        "source-ip-address": ctx.extras.get("source_ip") or "127.0.0.1",
        "reason": reason,
    }
    if event_name == "ObjectRemoved:Delete":
        detail["deletion-type"] = "Permanently Deleted"
    elif event_name == "ObjectRemoved:DeleteMarkerCreated":
        detail["deletion-type"] = "Delete Marker Created"
    account = bucket.get("Account", ctx.account_id)
    region = bucket.get("Region") or ctx.region
    events = platform.provider("events")
    entry = {
        "Source": "aws.s3",
        "DetailType": detail_type,
        "Detail": json.dumps(detail),
        "Resources": [f"arn:aws:s3:::{bucket['Name']}"],
    }
    with platform.store.transaction() as tx:
        events.route(tx, account, region, "default", events.event_document(account, region, entry))
    events.wake_delivery()
