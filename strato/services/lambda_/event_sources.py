"""Event source mappings for SQS queues: the API, and a background poller per enabled mapping.

Mappings live in the store under ESM, keyed by UUID, so they (and their pollers) survive a
restart. A poller long-polls the queue through SQS's internal API, invokes the function
synchronously with the event AWS sends, and deletes the messages only after success (with
ReportBatchItemFailures, all but the reported ones). Records that match none of the
FilterCriteria are deleted without invoking, as on AWS.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import uuid
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from ...store import keys
from . import records
from .base import LambdaBase
from .errors import conflict, invalid, resource_not_found

ESM = "lambda:esm"  # (uuid,) -> mapping record
_SQS_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:sqs:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<name>.+)$"
)
_SYSTEM = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "MessageDeduplicationId",
    "AWSTraceHeader",
)
POLL_WAIT_S = 2.0


def _key(mapping_id: str) -> bytes:
    return keys.pack(mapping_id)


class EventSourceOperations(LambdaBase):
    _esm_tasks: dict[str, asyncio.Task]

    # -- API ---------------------------------------------------------------------------
    def create_event_source_mapping(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        arn = p.get("EventSourceArn") or ""
        m = _SQS_ARN.match(arn)
        if not m:
            raise invalid(
                f"Unsupported event source: {arn}" if arn else "EventSourceArn is required."
            )
        name, qualifier = records.resolve_name(ctx, p["FunctionName"])
        record = self.function(ctx, name)
        if qualifier:
            self.check_qualifier(ctx, record, qualifier)
        sqs = self.platform.provider("sqs")
        if not sqs.queue_exists(m["account"], m["region"], arn):
            raise invalid(
                "Error occurred while ReceiveMessage. SQS Error Code: "
                "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: "
                "The specified queue does not exist for this wsdl version."
            )
        fifo = arn.endswith(".fifo")
        function_arn = records.function_arn(ctx, ctx.region, name, qualifier)
        for _, existing in self.store.scan(ESM):
            if existing["EventSourceArn"] == arn and existing["FunctionArn"] == function_arn:
                raise conflict(
                    f'An event source mapping with SQS arn (" {arn} ") and function (" {name} ") '
                    f"already exists. Please update or delete the existing mapping with UUID "
                    f"{existing['UUID']}"
                )
        mapping_id = str(uuid.uuid4())
        mapping: dict[str, Any] = {
            "UUID": mapping_id,
            "Account": ctx.account_id,
            "Region": ctx.region,
            "Principal": ctx.principal_arn,
            "FunctionName": name,
            "Qualifier": qualifier,
            "FunctionArn": function_arn,
            "EventSourceArn": arn,
            "BatchSize": 10,
            "MaximumBatchingWindowInSeconds": 0,
            "FunctionResponseTypes": [],
            "Enabled": True,
        }
        self._apply_settings(mapping, p, fifo)
        mapping["State"] = "Enabled" if mapping["Enabled"] else "Disabled"
        mapping["LastModified"] = self.clock.now()
        self.store.put(ESM, _key(mapping_id), mapping)
        self._sync_poller(mapping_id)
        return {**_out(mapping, "Creating"), "_status": 202}

    def get_event_source_mapping(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return _out(self._mapping(ctx, p["UUID"]))

    def list_event_source_mappings(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        function_arn = None
        if p.get("FunctionName"):
            name, qualifier = records.resolve_name(ctx, p["FunctionName"])
            function_arn = records.function_arn(ctx, ctx.region, name, qualifier)
        items = [
            m
            for _, m in self.store.scan(ESM)
            if m["Account"] == ctx.account_id
            and m["Region"] == ctx.region
            and (function_arn is None or m["FunctionArn"] == function_arn)
            and (not p.get("EventSourceArn") or m["EventSourceArn"] == p["EventSourceArn"])
        ]
        try:
            start = int(p.get("Marker") or 0)
        except ValueError:
            raise invalid("Invalid marker.") from None
        size = int(p.get("MaxItems") or 100)
        page = items[start : start + size]
        out: dict[str, Any] = {"EventSourceMappings": [_out(m) for m in page]}
        if start + size < len(items):
            out["NextMarker"] = str(start + size)
        return out

    def update_event_source_mapping(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        with self.store.transaction():
            mapping = self._mapping(ctx, p["UUID"])
            if p.get("FunctionName"):
                name, qualifier = records.resolve_name(ctx, p["FunctionName"])
                record = self.function(ctx, name)
                if qualifier:
                    self.check_qualifier(ctx, record, qualifier)
                mapping.update(
                    FunctionName=name,
                    Qualifier=qualifier,
                    FunctionArn=records.function_arn(ctx, ctx.region, name, qualifier),
                )
            self._apply_settings(mapping, p, mapping["EventSourceArn"].endswith(".fifo"))
            mapping["State"] = "Enabled" if mapping["Enabled"] else "Disabled"
            mapping["LastModified"] = self.clock.now()
            self.store.put(ESM, _key(mapping["UUID"]), mapping)
        self._sync_poller(mapping["UUID"])
        return {**_out(mapping, "Updating"), "_status": 202}

    def delete_event_source_mapping(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        mapping = self._mapping(ctx, p["UUID"])
        self.store.delete(ESM, _key(mapping["UUID"]))
        self._sync_poller(mapping["UUID"])
        return {**_out(mapping, "Deleting"), "_status": 202}

    def _mapping(self, ctx: RequestContext, mapping_id: str) -> dict[str, Any]:
        mapping = self.store.get(ESM, _key(mapping_id))
        if (
            mapping is None
            or mapping["Account"] != ctx.account_id
            or mapping["Region"] != ctx.region
        ):
            raise resource_not_found(
                f"The resource you requested does not exist. (Service: Lambda, Status Code: 404, "
                f"Request ID: {ctx.request_id})"
            )
        return mapping

    def _apply_settings(self, mapping: dict[str, Any], p: dict[str, Any], fifo: bool) -> None:
        if "BatchSize" in p:
            mapping["BatchSize"] = int(p["BatchSize"])
        if "MaximumBatchingWindowInSeconds" in p:
            mapping["MaximumBatchingWindowInSeconds"] = int(p["MaximumBatchingWindowInSeconds"])
        if "Enabled" in p:
            mapping["Enabled"] = bool(p["Enabled"])
        if "FunctionResponseTypes" in p:
            types = list(p["FunctionResponseTypes"] or [])
            if any(t != "ReportBatchItemFailures" for t in types):
                raise invalid("Unsupported FunctionResponseType.")
            mapping["FunctionResponseTypes"] = types
        if "ScalingConfig" in p:
            scaling = p["ScalingConfig"] or {}
            limit = scaling.get("MaximumConcurrency")
            if limit is not None and not 2 <= int(limit) <= 1000:
                raise invalid("MaximumConcurrency must be between 2 and 1000.")
            mapping["ScalingConfig"] = scaling
        if "FilterCriteria" in p:
            criteria = p["FilterCriteria"] or {}
            from ..events.patterns import InvalidEventPattern, compile_pattern

            for f in criteria.get("Filters") or []:
                try:
                    compile_pattern(f.get("Pattern") or "")
                except InvalidEventPattern:
                    raise invalid(
                        f"Invalid filter pattern definition: {f.get('Pattern')}"
                    ) from None
            mapping["FilterCriteria"] = criteria
        batch, window = mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"]
        if not 1 <= batch <= (10 if fifo else 10000):
            raise invalid(
                f"BatchSize must be between 1 and {10 if fifo else 10000} for an SQS event source."
            )
        if not 0 <= window <= 300:
            raise invalid("MaximumBatchingWindowInSeconds must be between 0 and 300.")
        if batch > 10 and window < 1:
            raise invalid(
                "Maximum batch window in seconds must be greater than 0 if maximum batch size "
                "is greater than 10"
            )

    # -- pollers -------------------------------------------------------------------------
    def start_event_sources(self) -> None:
        self._esm_tasks = {}
        for mapping_id, _ in [(m["UUID"], m) for _, m in self.store.scan(ESM)]:
            self._sync_poller(mapping_id)

    async def stop_event_sources(self) -> None:
        tasks = list(getattr(self, "_esm_tasks", {}).values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._esm_tasks = {}

    def _sync_poller(self, mapping_id: str) -> None:
        """Start a poller for an enabled mapping without one; a disabled or deleted mapping's
        poller notices on its own and ends."""
        tasks = getattr(self, "_esm_tasks", None)
        if tasks is None:
            return  # not started yet: start() picks it up
        mapping = self.store.get(ESM, _key(mapping_id))
        running = tasks.get(mapping_id)
        if mapping is None or mapping["State"] != "Enabled":
            return
        if running is not None and not running.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        tasks[mapping_id] = loop.create_task(self._poll(mapping_id))

    def _active(self, mapping_id: str) -> dict[str, Any] | None:
        mapping = self.store.get(ESM, _key(mapping_id))
        return mapping if mapping is not None and mapping["State"] == "Enabled" else None

    async def _poll(self, mapping_id: str) -> None:
        sqs = self.platform.provider("sqs")
        try:
            while (mapping := self._active(mapping_id)) is not None:
                arn = mapping["EventSourceArn"]
                account, region = mapping["Account"], mapping["Region"]
                try:
                    messages = await sqs.wait_for_messages(
                        account,
                        region,
                        arn,
                        max_messages=min(10, mapping["BatchSize"]),
                        wait_seconds=POLL_WAIT_S,
                    )
                    while 0 < len(messages) < mapping["BatchSize"]:
                        more = sqs.receive_internal(
                            account,
                            region,
                            arn,
                            max_messages=min(10, mapping["BatchSize"] - len(messages)),
                        )
                        if not more:
                            break
                        messages.extend(more)
                except ServiceError:
                    await asyncio.sleep(POLL_WAIT_S)
                    continue
                if not messages:
                    continue
                if self._active(mapping_id) is None:  # disabled or deleted while waiting
                    for msg in messages:
                        with contextlib.suppress(ServiceError):
                            sqs.change_visibility_internal(
                                account, region, arn, msg["ReceiptHandle"], 0
                            )
                    return
                try:
                    await self._esm_deliver(sqs, mapping, messages)
                except asyncio.CancelledError:
                    raise
                except Exception:  # noqa: BLE001 - a poller keeps going; messages reappear
                    await asyncio.sleep(0.5)
        finally:
            tasks = getattr(self, "_esm_tasks", {})
            if tasks.get(mapping_id) is asyncio.current_task():
                del tasks[mapping_id]

    async def _esm_deliver(self, sqs, mapping: dict[str, Any], messages: list[dict]) -> None:
        account, region, arn = mapping["Account"], mapping["Region"], mapping["EventSourceArn"]
        event_records = [_record(m, arn, region) for m in messages]
        patterns = _patterns(mapping)
        if patterns:
            kept = []
            for msg, rec in zip(messages, event_records, strict=True):
                if any(p.matches(_filterable(rec)) for p in patterns):
                    kept.append((msg, rec))
                else:
                    sqs.delete_internal(account, region, arn, msg["ReceiptHandle"])
            if not kept:
                return
            messages = [m for m, _ in kept]
            event_records = [r for _, r in kept]
        request_id = str(uuid.uuid4())
        ctx = RequestContext(
            account, region, mapping.get("Principal", ""), None, request_id, service="lambda"
        )
        record = self.function(ctx, mapping["FunctionName"])
        version = self.route_alias(record, mapping.get("Qualifier"))  # type: ignore[attr-defined]
        config = self.version_config(ctx, record, version)
        payload = json.dumps({"Records": event_records}).encode()
        outcome = await self.run(  # type: ignore[attr-defined]
            ctx, record, config, payload, request_id, mapping.get("Qualifier")
        )
        if outcome.failed:
            return  # left in the queue: they reappear after the visibility timeout
        failed_ids: set[str] = set()
        if "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or []):
            failed_ids = _batch_item_failures(outcome.payload, {m["MessageId"] for m in messages})
            if failed_ids is None:
                return  # a malformed response fails the whole batch
        for msg in messages:
            if msg["MessageId"] not in failed_ids:
                with contextlib.suppress(ServiceError):
                    sqs.delete_internal(account, region, arn, msg["ReceiptHandle"])


def _batch_item_failures(payload: bytes, ids: set[str]) -> set[str] | None:
    try:
        response = json.loads(payload or b"null")
    except ValueError:
        return set()
    if not isinstance(response, dict):
        return set()
    failures = response.get("batchItemFailures")
    if not failures:
        return set()
    if not isinstance(failures, list):
        return None
    out = set()
    for item in failures:
        ident = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not ident or ident not in ids:
            return None
        out.add(ident)
    return out


def _patterns(mapping: dict[str, Any]) -> list:
    filters = (mapping.get("FilterCriteria") or {}).get("Filters") or []
    if not filters:
        return []
    from ..events.patterns import compile_pattern

    return [compile_pattern(f["Pattern"]) for f in filters if f.get("Pattern")]


def _filterable(rec: dict[str, Any]) -> dict[str, Any]:
    """The record as filters see it: a JSON body is matched as an object."""
    out = dict(rec)
    try:
        body = json.loads(rec["body"])
        if isinstance(body, dict):
            out["body"] = body
    except ValueError:
        pass
    return out


def _record(msg: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    attributes = msg.get("Attributes") or {}
    message_attributes = {}
    for name, value in (msg.get("MessageAttributes") or {}).items():
        entry: dict[str, Any] = {
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value.get("DataType"),
        }
        if "StringValue" in value:
            entry["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            binary = value["BinaryValue"]
            entry["binaryValue"] = (
                base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary
            )
        message_attributes[name] = entry
    return {
        "messageId": msg["MessageId"],
        "receiptHandle": msg["ReceiptHandle"],
        "body": msg["Body"],
        "attributes": {k: attributes[k] for k in _SYSTEM if k in attributes},
        "messageAttributes": message_attributes,
        "md5OfBody": msg.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }


def _out(mapping: dict[str, Any], state: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "UUID": mapping["UUID"],
        "EventSourceMappingArn": f"arn:aws:lambda:{mapping['Region']}:{mapping['Account']}:"
        f"event-source-mapping:{mapping['UUID']}",
        "BatchSize": mapping["BatchSize"],
        "MaximumBatchingWindowInSeconds": mapping["MaximumBatchingWindowInSeconds"],
        "EventSourceArn": mapping["EventSourceArn"],
        "FunctionArn": mapping["FunctionArn"],
        "LastModified": mapping["LastModified"],
        "State": state or mapping["State"],
        "StateTransitionReason": "USER_INITIATED",
        "FunctionResponseTypes": mapping.get("FunctionResponseTypes") or [],
    }
    for key in ("ScalingConfig", "FilterCriteria"):
        if mapping.get(key):
            out[key] = mapping[key]
    return out
