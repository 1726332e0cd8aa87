"""Event source mappings: the API (Create/Get/List/Update/DeleteEventSourceMapping), the
settings each kind of source accepts, and one background poller per enabled mapping.

Mappings live in the store under ESM, keyed by UUID, so they (and their pollers) survive a
restart. SQS queues are polled by `esm_sqs.py`, DynamoDB streams by `esm_streams.py`
(whose checkpoints are stored too, so a restart resumes where the mapping left off).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from . import records
from .errors import conflict, invalid, resource_not_found
from .esm_base import CHECKPOINTS, ESM, STATUS, mapping_key
from .esm_sqs import SqsEventSource
from .esm_streams import StreamEventSource

_SQS_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:sqs:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<name>.+)$"
)
_STREAM_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:dynamodb:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"table/[^/]+/stream/[^/]+$"
)
# Settings only stream sources take (AWS rejects them for SQS).
_STREAM_ONLY = (
    "StartingPosition",
    "StartingPositionTimestamp",
    "ParallelizationFactor",
    "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "DestinationConfig",
    "TumblingWindowInSeconds",
)
_STREAM_DEFAULTS: dict[str, Any] = {
    "BatchSize": 100,
    "ParallelizationFactor": 1,
    "MaximumRecordAgeInSeconds": -1,
    "BisectBatchOnFunctionError": False,
    "MaximumRetryAttempts": -1,
    "TumblingWindowInSeconds": 0,
    "DestinationConfig": {"OnFailure": {}},
}


def _key(mapping_id: str) -> bytes:
    return mapping_key(mapping_id)


def _kind(arn: str) -> str:
    return "dynamodb" if _STREAM_ARN.match(arn) else "sqs"


class EventSourceOperations(SqsEventSource, StreamEventSource):
    _esm_tasks: dict[str, asyncio.Task]

    # -- API ---------------------------------------------------------------------------
    def create_event_source_mapping(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        arn = p.get("EventSourceArn") or ""
        sqs_match, stream_match = _SQS_ARN.match(arn), _STREAM_ARN.match(arn)
        if not sqs_match and not stream_match:
            raise invalid(
                f"Unsupported event source: {arn}" if arn else "EventSourceArn is required."
            )
        name, qualifier = records.resolve_name(ctx, p["FunctionName"])
        record = self.function(ctx, name)
        if qualifier:
            self.check_qualifier(ctx, record, qualifier)
        function_arn = records.function_arn(ctx, ctx.region, name, qualifier)
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
        shard = None
        if stream_match:
            if not p.get("StartingPosition"):
                raise invalid(
                    "1 validation error detected: Value null at 'startingPosition' failed to "
                    "satisfy constraint: Member must not be null."
                )
            streams = self.platform.provider("dynamodbstreams")
            try:
                shard = streams.shard(stream_match["account"], stream_match["region"], arn)
            except ServiceError:
                raise invalid(
                    f"Cannot access stream {arn}. Please ensure the role can perform the "
                    "GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on "
                    "your stream."
                ) from None
            mapping.update(_STREAM_DEFAULTS, DestinationConfig={"OnFailure": {}})
        else:
            sqs = self.platform.provider("sqs")
            if not sqs.queue_exists(sqs_match["account"], sqs_match["region"], arn):
                raise invalid(
                    "Error occurred while ReceiveMessage. SQS Error Code: "
                    "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: "
                    "The specified queue does not exist for this wsdl version."
                )
            for existing in self._mappings():
                if existing["EventSourceArn"] == arn and existing["FunctionArn"] == function_arn:
                    raise conflict(
                        f'An event source mapping with SQS arn (" {arn} ") and function '
                        f'(" {name} ") already exists. Please update or delete the existing '
                        f"mapping with UUID {existing['UUID']}"
                    )
        self._apply_settings(mapping, p, creating=True)
        mapping["State"] = "Enabled" if mapping["Enabled"] else "Disabled"
        mapping["LastModified"] = self.clock.now()
        with self.store.transaction():
            self.store.put(ESM, _key(mapping_id), mapping)
            if shard is not None:
                self.starting_checkpoint(mapping, shard, mapping["StartingPosition"])
        self._sync_poller(mapping_id)
        return {**self._out(mapping, "Creating"), "_status": 202}

    def get_event_source_mapping(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._out(self._mapping(ctx, p["UUID"]))

    def list_event_source_mappings(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        function_arn = None
        if p.get("FunctionName"):
            name, qualifier = records.resolve_name(ctx, p["FunctionName"])
            function_arn = records.function_arn(ctx, ctx.region, name, qualifier)
        items = [
            m
            for m in self._mappings()
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
        out: dict[str, Any] = {"EventSourceMappings": [self._out(m) for m in page]}
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
            if "StartingPosition" in p or "StartingPositionTimestamp" in p:
                raise invalid("StartingPosition cannot be updated.")
            self._apply_settings(mapping, p, creating=False)
            mapping["State"] = "Enabled" if mapping["Enabled"] else "Disabled"
            mapping["LastModified"] = self.clock.now()
            self.store.put(ESM, _key(mapping["UUID"]), mapping)
        self._sync_poller(mapping["UUID"])
        return {**self._out(mapping, "Updating"), "_status": 202}

    def delete_event_source_mapping(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        mapping = self._mapping(ctx, p["UUID"])
        with self.store.transaction():
            self.store.delete(ESM, _key(mapping["UUID"]))
            self.store.delete(STATUS, _key(mapping["UUID"]))
            for raw, _ in list(self.store.scan(CHECKPOINTS, *_prefix(mapping["UUID"]))):
                self.store.delete(CHECKPOINTS, raw)
        self._sync_poller(mapping["UUID"])
        return {**self._out(mapping, "Deleting"), "_status": 202}

    def _mappings(self) -> list[dict[str, Any]]:
        return [m for _, m in self.store.scan(ESM)]

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

    # -- settings ------------------------------------------------------------------------
    def _apply_settings(self, mapping: dict[str, Any], p: dict[str, Any], creating: bool) -> None:
        stream = _kind(mapping["EventSourceArn"]) == "dynamodb"
        if not stream:
            for name in _STREAM_ONLY:
                if p.get(name) is not None:
                    raise invalid(f"Unsupported {name} for SQS event source mapping.")
        elif p.get("ScalingConfig"):
            raise invalid("ScalingConfig is not supported for DynamoDB Streams event sources.")
        for name in (
            "BatchSize",
            "MaximumBatchingWindowInSeconds",
            "ParallelizationFactor",
            "MaximumRecordAgeInSeconds",
            "MaximumRetryAttempts",
            "TumblingWindowInSeconds",
        ):
            if p.get(name) is not None:
                mapping[name] = int(p[name])
        if p.get("BisectBatchOnFunctionError") is not None:
            mapping["BisectBatchOnFunctionError"] = bool(p["BisectBatchOnFunctionError"])
        if creating and stream:
            position = p["StartingPosition"]
            if position not in ("TRIM_HORIZON", "LATEST"):
                raise invalid(f"Unsupported starting position for DynamoDB Streams: {position}")
            mapping["StartingPosition"] = position
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
            mapping["FilterCriteria"] = _filter_criteria(p["FilterCriteria"])
        if "DestinationConfig" in p:
            mapping["DestinationConfig"] = self._destination(p["DestinationConfig"])
        if stream:
            _check_stream(mapping)
        else:
            _check_sqs(mapping)

    def _destination(self, config: dict[str, Any] | None) -> dict[str, Any]:
        if (config or {}).get("OnSuccess"):
            raise invalid("Unsupported DestinationConfig parameter: OnSuccess.")
        target = ((config or {}).get("OnFailure") or {}).get("Destination")
        if not target:
            return {"OnFailure": {}}
        parts = target.split(":")
        if len(parts) < 6 or parts[2] not in ("sqs", "sns"):
            raise invalid(
                f"Unsupported destination for a DynamoDB Streams event source: {target}. "
                "Use an Amazon SQS queue or an Amazon SNS topic."
            )
        return {"OnFailure": {"Destination": target}}

    # -- pollers -------------------------------------------------------------------------
    def start_event_sources(self) -> None:
        self._esm_tasks = {}
        for mapping in self._mappings():
            self._sync_poller(mapping["UUID"])

    async def stop_event_sources(self) -> None:
        tasks = list(getattr(self, "_esm_tasks", {}).values())
        tasks += list(self.__dict__.get("_esm_batches", ()))
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
        tasks[mapping_id] = loop.create_task(self._poll(mapping_id, mapping["EventSourceArn"]))

    async def _poll(self, mapping_id: str, arn: str) -> None:
        try:
            if _kind(arn) == "dynamodb":
                await self._stream_poll(mapping_id)
            else:
                await self._sqs_poll(mapping_id)
        finally:
            tasks = getattr(self, "_esm_tasks", {})
            if tasks.get(mapping_id) is asyncio.current_task():
                del tasks[mapping_id]

    # -- output --------------------------------------------------------------------------
    def _out(self, mapping: dict[str, Any], state: str | None = None) -> dict[str, Any]:
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
        if _kind(mapping["EventSourceArn"]) == "dynamodb":
            out["StateTransitionReason"] = "User action"  # AWS words it so for streams
            for name in ("StartingPosition", *_STREAM_DEFAULTS):
                out[name] = mapping.get(name, _STREAM_DEFAULTS.get(name))
            out["LastProcessingResult"] = self._last_result(mapping["UUID"])
        for key in ("ScalingConfig", "FilterCriteria"):
            if mapping.get(key):
                out[key] = mapping[key]
        return out


def _prefix(mapping_id: str) -> tuple[bytes, bytes]:
    from ...store import keys

    return keys.prefix_range(mapping_id)


def _filter_criteria(criteria: dict[str, Any] | None) -> dict[str, Any]:
    from ..events.patterns import InvalidEventPattern, compile_pattern

    criteria = criteria or {}
    for f in criteria.get("Filters") or []:
        try:
            compile_pattern(f.get("Pattern") or "")
        except InvalidEventPattern:
            raise invalid(f"Invalid filter pattern definition: {f.get('Pattern')}") from None
    return criteria


def _check_sqs(mapping: dict[str, Any]) -> None:
    fifo = mapping["EventSourceArn"].endswith(".fifo")
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


def _check_stream(mapping: dict[str, Any]) -> None:
    if not 1 <= mapping["BatchSize"] <= 10000:
        raise invalid("BatchSize must be between 1 and 10000 for a DynamoDB Streams event source.")
    if not 0 <= mapping["MaximumBatchingWindowInSeconds"] <= 300:
        raise invalid("MaximumBatchingWindowInSeconds must be between 0 and 300.")
    if not 1 <= mapping["ParallelizationFactor"] <= 10:
        raise invalid("ParallelizationFactor must be between 1 and 10.")
    if not -1 <= mapping["MaximumRetryAttempts"] <= 10000:
        raise invalid("MaximumRetryAttempts must be between -1 and 10000.")
    age = mapping["MaximumRecordAgeInSeconds"]
    if age != -1 and not 60 <= age <= 604800:
        raise invalid("MaximumRecordAgeInSeconds must be -1, or between 60 and 604800.")
    if not 0 <= mapping["TumblingWindowInSeconds"] <= 900:
        raise invalid("TumblingWindowInSeconds must be between 0 and 900.")
    if mapping["TumblingWindowInSeconds"]:
        raise invalid("TumblingWindowInSeconds is not supported by Strato yet.")
