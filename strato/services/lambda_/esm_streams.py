"""The DynamoDB stream poller of an event source mapping: reads the shard in order from a
durable checkpoint, invokes the function with batches, and retries, bisects or gives up on
a failing batch as the mapping says.

A poller works in rounds. A round is the next BatchSize x ParallelizationFactor records
after the checkpoint; its last sequence number is stored before any of it is invoked, so
a restart re-reads the same round. Records are spread over ParallelizationFactor lanes by
partition key (one key's records stay in order in one lane); each lane invokes its
batches one after another and stores how far it got, so a restart never re-delivers a
batch that succeeded. When every lane is through, the checkpoint moves to the round's
end. A failing batch blocks its lane (retried with backoff on the shared clock) until it
succeeds, its retries run out or its records age out; then the OnFailure destination gets
the invocation record describing it and the lane moves on.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import logging
import uuid
from collections import deque
from typing import Any

from ...protocol import ServiceError
from ...runtime.invocation import Outcome
from . import records
from .esm_base import (
    CHECKPOINTS,
    ESM,
    OK,
    EventSourceBase,
    batch_item_failures,
    checkpoint_key,
    mapping_key,
    patterns,
)

log = logging.getLogger("strato.lambda")

POLL_S = 0.25  # AWS polls a shard four times a second
MAX_BACKOFF_S = 60.0
MAX_ROUND = 10000
FUNCTION_ERROR = "PROBLEM: Function call failed"
THROTTLED = "PROBLEM: Function call throttled"
STREAM_MISSING = "PROBLEM: Stream not found"


class StreamEventSource(EventSourceBase):
    _esm_windows: dict[str, float]

    def starting_checkpoint(
        self, mapping: dict[str, Any], shard: dict[str, Any], position: str
    ) -> None:
        """Store where a new mapping starts reading (LATEST: after what is there now)."""
        after = shard["LatestSequenceNumber"] if position == "LATEST" else None
        self.store.put(
            CHECKPOINTS,
            checkpoint_key(mapping["UUID"], shard["ShardId"]),
            {"After": after, "RoundEnd": None, "Lanes": {}},
        )

    async def _stream_poll(self, mapping_id: str) -> None:
        streams = self.platform.provider("dynamodbstreams")
        while (mapping := self._active(mapping_id)) is not None:
            try:
                progressed = await self._stream_round(streams, mapping)
            except asyncio.CancelledError:
                raise
            except ServiceError as e:
                if e.code == "ResourceNotFoundException":
                    self._set_result(mapping_id, STREAM_MISSING)
                progressed = False
            except Exception:  # noqa: BLE001 - a poller keeps going from its checkpoint
                log.exception("event source mapping %s: polling failed", mapping_id)
                progressed = False
            if not progressed:
                await self.clock.sleep(POLL_S)

    async def _stream_round(self, streams, mapping: dict[str, Any]) -> bool:
        """Deliver one round; False when there was nothing (yet) to deliver."""
        mapping_id, arn = mapping["UUID"], mapping["EventSourceArn"]
        account, region = mapping["Account"], mapping["Region"]
        shard = streams.shard(account, region, arn)
        ckey = checkpoint_key(mapping_id, shard["ShardId"])
        cp = self.store.get(CHECKPOINTS, ckey) or {"After": None, "RoundEnd": None, "Lanes": {}}
        factor = int(mapping.get("ParallelizationFactor") or 1)
        size = mapping["BatchSize"]
        if cp["RoundEnd"] is None:
            found = _read(streams, account, region, arn, cp["After"], min(size * factor, MAX_ROUND))
            if not found:
                return False
            window = mapping.get("MaximumBatchingWindowInSeconds") or 0
            if len(found) < size * factor and window > 0:
                windows = self.__dict__.setdefault("_esm_windows", {})
                opened = windows.setdefault(mapping_id, self.clock.now())
                if self.clock.now() < opened + window:
                    return False
            self.__dict__.get("_esm_windows", {}).pop(mapping_id, None)
            cp = {"After": cp["After"], "RoundEnd": _seq(found[-1]), "Lanes": {}, "Factor": factor}
            self.store.put(CHECKPOINTS, ckey, cp)
        else:
            factor = cp.get("Factor", factor)  # a round keeps the lanes it started with
            found = _read(streams, account, region, arn, cp["After"], MAX_ROUND, cp["RoundEnd"])
        events = [streams.lambda_event_record(_jsonable(r), arn) for r in found]
        compiled = patterns(mapping)
        if compiled:
            events = [e for e in events if any(p.matches(e) for p in compiled)]
        lanes: dict[int, list[dict]] = {}
        hash_key = _hash_key(shard)
        for event in events:
            lane = lane_of(event, hash_key, factor)
            done = cp["Lanes"].get(str(lane))
            if done is None or _seq(event) > done:
                lanes.setdefault(lane, []).append(event)

        def save(value: dict[str, Any]) -> None:
            with self.store.transaction():
                if self.store.get(ESM, mapping_key(mapping_id)) is not None:  # not deleted
                    self.store.put(CHECKPOINTS, ckey, value)

        def progress(lane: int, seq: str) -> None:
            cp["Lanes"][str(lane)] = seq
            save(cp)

        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(self._stream_lane(mapping, shard, lane, batch, progress))
                for lane, batch in sorted(lanes.items())
            ]
        if not all(t.result() for t in tasks):
            return True  # disabled or deleted part-way: the round resumes when re-enabled
        save({"After": cp["RoundEnd"], "RoundEnd": None, "Lanes": {}})
        return True

    async def _stream_lane(
        self, mapping: dict[str, Any], shard: dict[str, Any], lane: int, events: list, progress
    ) -> bool:
        """Settle one lane's records batch by batch; False if the mapping stopped first."""
        mapping_id = mapping["UUID"]
        size = mapping["BatchSize"]
        pending = deque([[events[i : i + size], 0, 0] for i in range(0, len(events), size)])
        last: Outcome | None = None
        while pending:
            current = self._active(mapping_id)
            if current is None:
                return False
            mapping = current  # settings changed by UpdateEventSourceMapping apply at once
            entry = pending[0]
            batch, retries, invokes = entry
            expired = expired_prefix(
                batch, mapping.get("MaximumRecordAgeInSeconds", -1), self.clock
            )
            if expired:
                self._stream_discard(mapping, shard, expired, "RecordAgeExceeded", invokes, last)
                progress(lane, _seq(expired[-1]))
                entry[0] = batch = batch[len(expired) :]
                if not batch:
                    pending.popleft()
                    last = None
                    continue
            try:
                outcome, _ = await self._invoke_batch(mapping, {"Records": batch})
            except asyncio.CancelledError:
                raise
            except Exception as e:  # never ran: wait and try again, without using a retry
                throttled = isinstance(e, ServiceError) and e.status == 429
                if not isinstance(e, ServiceError):
                    log.exception("event source mapping %s: invoke failed", mapping_id)
                self._set_result(mapping_id, THROTTLED if throttled else FUNCTION_ERROR)
                await self.clock.sleep(_backoff(retries + 1))
                continue
            invokes += 1
            entry[2] = invokes
            last = outcome
            failed: list[str] | None = []
            if not outcome.failed and "ReportBatchItemFailures" in (
                mapping.get("FunctionResponseTypes") or []
            ):
                failed = batch_item_failures(outcome.payload, [_seq(e) for e in batch])
            if not outcome.failed and failed == []:
                self._set_result(mapping_id, OK)
                progress(lane, _seq(batch[-1]))
                pending.popleft()
                last = None
                continue
            self._set_result(mapping_id, FUNCTION_ERROR)
            if failed:  # the records before the lowest failed one are done
                start = next(i for i, e in enumerate(batch) if _seq(e) == failed[0])
                if start:
                    progress(lane, _seq(batch[start - 1]))
                    entry[0] = batch = batch[start:]
            if mapping.get("BisectBatchOnFunctionError") and len(batch) > 1:
                half = (len(batch) + 1) // 2  # splitting uses no retry
                pending.popleft()
                pending.appendleft([batch[half:], retries, invokes])
                pending.appendleft([batch[:half], retries, invokes])
                continue
            limit = mapping.get("MaximumRetryAttempts", -1)
            if limit is not None and limit != -1 and retries >= limit:
                self._stream_discard(
                    mapping, shard, batch, "RetryAttemptsExhausted", invokes, outcome
                )
                progress(lane, _seq(batch[-1]))
                pending.popleft()
                last = None
                continue
            entry[1] = retries = retries + 1
            await self.clock.sleep(_backoff(retries))
        return True

    def _stream_discard(
        self,
        mapping: dict[str, Any],
        shard: dict[str, Any],
        batch: list[dict],
        condition: str,
        invokes: int,
        outcome: Outcome | None,
    ) -> None:
        """Give up on a batch: tell the OnFailure destination, if there is one."""
        target = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        )
        log.info(
            "event source mapping %s: discarded %d records (%s)",
            mapping["UUID"],
            len(batch),
            condition,
        )
        if not target:
            return
        document = failure_record(mapping, shard, batch, condition, invokes, outcome, self.clock)
        service = target.split(":")[2] if target.count(":") >= 5 else ""
        self._hand_to_service(  # type: ignore[attr-defined]
            service, "deliver_lambda_destination", target, json.dumps(document)
        )


def failure_record(
    mapping: dict[str, Any],
    shard: dict[str, Any],
    batch: list[dict],
    condition: str,
    invokes: int,
    outcome: Outcome | None,
    clock,
) -> dict[str, Any]:
    """The invocation record AWS sends an OnFailure destination about a discarded batch."""
    response: dict[str, Any] = {"statusCode": 200, "executedVersion": records.LATEST}
    if outcome is not None:
        response["executedVersion"] = outcome.executed_version
        if outcome.failed:
            response["functionError"] = "Unhandled"
    now = dt.datetime.fromtimestamp(clock.now(), dt.UTC)
    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": mapping["FunctionArn"],
            "condition": condition,
            "approximateInvokeCount": invokes,
        },
        "responseContext": response,
        "version": "1.0",
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "DDBStreamBatchInfo": {
            "shardId": shard["ShardId"],
            "startSequenceNumber": _seq(batch[0]),
            "endSequenceNumber": _seq(batch[-1]),
            "approximateArrivalOfFirstRecord": _arrival(batch[0]),
            "approximateArrivalOfLastRecord": _arrival(batch[-1]),
            "batchSize": len(batch),
            "streamArn": mapping["EventSourceArn"],
        },
    }


def _read(streams, account, region, arn, after, limit, until=None) -> list[dict]:
    """Up to `limit` records after `after` (and not past `until`), oldest first."""
    out: list[dict] = []
    while len(out) < limit:
        page = streams.read_records(account, region, arn, after, limit=min(1000, limit - len(out)))
        if until is not None:
            page = [r for r in page if _seq(r) <= until]
        if not page:
            break
        out.extend(page)
        after = _seq(page[-1])
    return out


def _seq(record: dict[str, Any]) -> str:
    return record["dynamodb"]["SequenceNumber"]


def _arrival(record: dict[str, Any]) -> str:
    stamp = dt.datetime.fromtimestamp(record["dynamodb"]["ApproximateCreationDateTime"], dt.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def expired_prefix(batch: list[dict], max_age: int | None, clock) -> list[dict]:
    """The leading records of a batch older than MaximumRecordAgeInSeconds."""
    if max_age is None or max_age == -1:
        return []
    now = clock.now()
    out = []
    for record in batch:
        if now - record["dynamodb"]["ApproximateCreationDateTime"] <= max_age:
            break
        out.append(record)
    return out


def _backoff(retries: int) -> float:
    return min(MAX_BACKOFF_S, 2.0 ** (retries - 1))


def _hash_key(shard: dict[str, Any]) -> str | None:
    for element in shard.get("KeySchema") or []:
        if element.get("KeyType") == "HASH":
            return element["AttributeName"]
    return None


def lane_of(event: dict[str, Any], hash_key: str | None, factor: int) -> int:
    """The lane of a record: by its partition key, so one key's records stay in order."""
    if factor <= 1:
        return 0
    item_keys = event["dynamodb"].get("Keys") or {}
    value = item_keys.get(hash_key) if hash_key else item_keys
    digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).digest()
    return int.from_bytes(digest[:4], "big") % factor


def _jsonable(value: Any) -> Any:
    """A record with its binary values base64-encoded, as Lambda's JSON event carries them."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value
