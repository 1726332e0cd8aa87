"""The DynamoDB Streams provider: ListStreams, DescribeStream, GetShardIterator, GetRecords.

Records are appended by the DynamoDB provider's write path, which calls
`record_change` from `dynamodb/change_log.py` inside the item's own transaction; the
rest of this class reads them. Every stream has one shard.

    record_change(account, region, table_record, keys, old_image, new_image,
                  service_deletion=False) -> dict | None
        Append the stream record for one item change (the caller's transaction open);
        nothing when the table's stream is off or the item did not change.

Other parts of Strato (event source mappings) read streams without HTTP and without
iterators, by sequence number:

    shard(account, region, stream_arn) -> dict
        {"StreamArn", "ShardId", "StreamStatus" ENABLED|DISABLED, "StreamViewType",
         "TableName", "KeySchema", "StartingSequenceNumber", "EndingSequenceNumber" (closed shards
         only), "LatestSequenceNumber" (the newest record's, or None)}.
        ResourceNotFoundException if the stream does not exist (or is past retention).

    read_records(account, region, stream_arn, after_sequence: str | None, limit=100)
            -> list[dict]
        Up to `limit` records (GetRecords' `Record` shape, binary values as bytes) with
        sequence numbers greater than `after_sequence`, oldest first; None reads from the
        trim horizon. Records older than 24 hours are gone (no error: the caller resumes
        at the oldest one left). A closed shard whose last record has been read returns [].

    lambda_event_record(record, stream_arn) -> dict
        A record as Lambda's event for a DynamoDB stream carries it (`eventSourceARN`,
        camel-case `userIdentity`, numeric ApproximateCreationDateTime).
"""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from ...store import keys
from . import errors, iterators, lifecycle, records, tables
from .capture import capture_change, size_bytes, wire_record
from .iterators import ShardPosition
from .records import MAX_GET_RECORDS, MAX_PAGE_BYTES, RECORDS, STREAMS

Stream = dict[str, Any]
ITERATOR_TYPES = ("TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")


class DynamoDBStreamsProvider:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock
        self._iterator_key: bytes | None = None
        self.sequences = lifecycle.Sequences(self.store)

    # -- ListStreams ---------------------------------------------------------------
    def list_streams(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        account, region = ctx.account_id, ctx.region
        limit = _limit(params.get("Limit"), 100)
        name = params.get("TableName")
        now = self.clock.now_ms()
        if name is not None:
            table = tables.table(self.platform, account, region, name)
            lifecycle.reconcile(self.store, self.sequences, now, account, region, name, table)
            lo, hi = keys.prefix_range(account, region, name)
            if table is None and self.store.count(STREAMS, lo, hi) == 0:
                raise errors.table_not_found(name)
        else:
            self._reconcile_all(account, region, now)
            lo, hi = keys.prefix_range(account, region)
        start = params.get("ExclusiveStartStreamArn")
        if start is not None:
            parsed = records.parse_stream_arn(start)
            if parsed is None:
                raise errors.validation(f"Invalid StreamArn: {start}")
            lo = max(lo, keys.after(records.stream_key(account, region, *parsed[2:])))
        page = list(self.store.scan(STREAMS, lo, hi, limit=limit + 1))
        out: dict[str, Any] = {
            "Streams": [
                {
                    "StreamArn": s["StreamArn"],
                    "TableName": s["TableName"],
                    "StreamLabel": s["StreamLabel"],
                }
                for _, s in page[:limit]
            ]
        }
        if len(page) > limit:
            out["LastEvaluatedStreamArn"] = page[limit - 1][1]["StreamArn"]
        return out

    def _reconcile_all(self, account: str, region: str, now: int) -> None:
        names = set(tables.table_names(self.platform, account, region))
        for _, stream in self.store.scan(STREAMS, *keys.prefix_range(account, region)):
            names.add(stream["TableName"])
        for name in sorted(names):
            table = tables.table(self.platform, account, region, name)
            lifecycle.reconcile(self.store, self.sequences, now, account, region, name, table)

    # -- DescribeStream ----------------------------------------------------------
    def describe_stream(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        stream = self._stream(ctx.account_id, ctx.region, params["StreamArn"])
        limit = _limit(params.get("Limit"), 100)
        shards = [_shard(stream)]
        start = params.get("ExclusiveStartShardId")
        if start is not None:
            shards = [s for s in shards if s["ShardId"] > start]
        shard_filter = params.get("ShardFilter")
        if shard_filter is not None and shard_filter.get("Type") == "CHILD_SHARDS":
            shards = []  # a stream's only shard never splits, so it has no children
        description: dict[str, Any] = {
            "StreamArn": stream["StreamArn"],
            "StreamLabel": stream["StreamLabel"],
            "StreamStatus": stream["status"],
            "StreamViewType": stream["StreamViewType"],
            "CreationRequestDateTime": stream["created_ms"] / 1000,
            "TableName": stream["TableName"],
            "KeySchema": stream["KeySchema"],
            "Shards": shards[:limit],
        }
        return {"StreamDescription": description}

    # -- GetShardIterator --------------------------------------------------------
    def get_shard_iterator(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        arn = params["StreamArn"]
        stream = self._stream(ctx.account_id, ctx.region, arn)
        if params["ShardId"] != stream["ShardId"]:
            raise errors.shard_not_found(params["ShardId"], arn)
        kind = params["ShardIteratorType"]
        if kind not in ITERATOR_TYPES:
            raise errors.validation(
                f"1 validation error detected: Value '{kind}' at 'shardIteratorType' failed to "
                f"satisfy constraint: Member must satisfy enum value set: [{', '.join(ITERATOR_TYPES)}]"
            )
        text = params.get("SequenceNumber")
        after: int | None
        if kind == "TRIM_HORIZON":
            after = None
        elif kind == "LATEST":
            after = _newest(stream)
        else:
            after = self._sequence_position(stream, kind, text)
        position = ShardPosition(arn, stream["ShardId"], after, self.clock.now_ms())
        return {"ShardIterator": iterators.encode(self._key(), position)}

    def _sequence_position(self, stream: Stream, kind: str, text: str | None) -> int:
        if text is None:
            raise errors.validation(f"SequenceNumber is required when ShardIteratorType is {kind}")
        n = records.sequence_number(text)
        if n is None or n < stream["start"] or n > max(_newest(stream), stream["start"]):
            raise errors.invalid_sequence(text, stream["ShardId"])
        trimmed = stream["trimmed"]
        at = kind == "AT_SEQUENCE_NUMBER"
        if trimmed is not None and (n <= trimmed if at else n < trimmed):
            raise errors.trimmed(stream["ShardId"])
        return n - 1 if at else n

    # -- GetRecords --------------------------------------------------------------
    def get_records(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        limit = params.get("Limit", MAX_GET_RECORDS)
        if limit > MAX_GET_RECORDS:
            raise errors.validation(
                f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                f"constraint: Member must have value less than or equal to {MAX_GET_RECORDS}"
            )
        now = self.clock.now_ms()
        key = self._key()
        position = iterators.decode(key, params["ShardIterator"], now)
        stream = self._stream(ctx.account_id, ctx.region, position.stream_arn)
        if position.shard_id != stream["ShardId"]:
            raise errors.invalid_iterator()
        trimmed = stream["trimmed"]
        if position.after is not None and trimmed is not None and position.after < trimmed:
            raise errors.trimmed(stream["ShardId"])
        page = self._page(ctx.account_id, ctx.region, stream, position.after, limit)
        after = page[-1]["seq"] if page else position.after
        out: dict[str, Any] = {"Records": [wire_record(r, ctx.region) for r in page]}
        read_to = after if after is not None else _horizon(stream)
        if stream["status"] == "ENABLED" or read_to < _newest(stream):
            next_position = ShardPosition(position.stream_arn, stream["ShardId"], after, now)
            out["NextShardIterator"] = iterators.encode(key, next_position)
        return out

    def _page(
        self, account: str, region: str, stream: Stream, after: int | None, limit: int
    ) -> list[dict]:
        lo, hi = records.record_range(account, region, stream["TableName"], stream["StreamLabel"])
        if after is not None:
            lo = keys.after(
                records.record_key(
                    account, region, stream["TableName"], stream["StreamLabel"], after
                )
            )
        page, size = [], 0
        for _, record in self.store.scan(RECORDS, lo, hi, limit=limit):
            size += size_bytes(record)
            if page and size > MAX_PAGE_BYTES:
                break
            page.append(record)
        return page

    def _key(self) -> bytes:
        if self._iterator_key is None:
            self._iterator_key = iterators.secret(self.store)
        return self._iterator_key

    # -- looking streams up ------------------------------------------------------
    def _stream(self, account: str, region: str, arn: str) -> Stream:
        """The stream an ARN names, brought up to date with its table and trimmed; `last` is
        its newest record's sequence number (None if it never had one)."""
        parsed = records.parse_stream_arn(arn)
        if parsed is None or parsed[0] != account or parsed[1] != region:
            raise errors.stream_not_found(arn)
        _, _, name, label = parsed
        now = self.clock.now_ms()
        table = tables.table(self.platform, account, region, name)
        key = records.stream_key(account, region, name, label)
        with self.store.transaction():
            lifecycle.reconcile(self.store, self.sequences, now, account, region, name, table)
            stream = self.store.get(STREAMS, key)
            if stream is None:
                raise errors.stream_not_found(arn)
            if lifecycle.trim(self.store, account, region, stream, now):
                self.store.put(STREAMS, key, stream)
        stream["last"] = lifecycle.newest_record(self.store, account, region, stream)
        return stream

    # -- the internal API (see the module docstring) -------------------------------
    def record_change(
        self,
        account: str,
        region: str,
        table_record: dict[str, Any],
        keys: dict[str, Any],
        old_image: dict[str, Any] | None,
        new_image: dict[str, Any] | None,
        service_deletion: bool = False,
    ) -> dict[str, Any] | None:
        return capture_change(
            self.store,
            self.sequences,
            self.clock.now_ms(),
            account,
            region,
            table_record,
            keys,
            old_image,
            new_image,
            service_deletion,
        )

    def shard(self, account: str, region: str, stream_arn: str) -> dict[str, Any]:
        stream = self._stream(account, region, stream_arn)
        info = {
            "StreamArn": stream["StreamArn"],
            "ShardId": stream["ShardId"],
            "StreamStatus": stream["status"],
            "StreamViewType": stream["StreamViewType"],
            "TableName": stream["TableName"],
            "KeySchema": stream.get("KeySchema", []),
            "StartingSequenceNumber": records.sequence_text(stream["start"]),
            "LatestSequenceNumber": (
                records.sequence_text(stream["last"]) if stream["last"] is not None else None
            ),
        }
        if stream["status"] != "ENABLED":
            info["EndingSequenceNumber"] = records.sequence_text(_ending(stream))
        return info

    def read_records(
        self,
        account: str,
        region: str,
        stream_arn: str,
        after_sequence: str | None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        stream = self._stream(account, region, stream_arn)
        after = None
        if after_sequence is not None:
            after = records.sequence_number(after_sequence)
            if after is None:
                raise errors.invalid_sequence(after_sequence, stream["ShardId"])
        page = self._page(account, region, stream, after, max(1, min(limit, MAX_GET_RECORDS)))
        return [wire_record(r, region) for r in page]

    @staticmethod
    def lambda_event_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
        event = {**record, "eventSourceARN": stream_arn}
        identity = record.get("userIdentity")
        if identity is not None:
            event["userIdentity"] = {
                "type": identity["Type"],
                "principalId": identity["PrincipalId"],
            }
        return event


def _newest(stream: Stream) -> int:
    """The position just past everything in the shard now (LATEST)."""
    return stream["last"] if stream["last"] is not None else stream["start"] - 1


def _horizon(stream: Stream) -> int:
    """The position just before the oldest record retention keeps (TRIM_HORIZON)."""
    return stream["trimmed"] if stream["trimmed"] is not None else stream["start"] - 1


def _ending(stream: Stream) -> int:
    return max(_newest(stream), stream["start"])


def _shard(stream: Stream) -> dict[str, Any]:
    seq_range = {"StartingSequenceNumber": records.sequence_text(stream["start"])}
    if stream["status"] != "ENABLED":
        seq_range["EndingSequenceNumber"] = records.sequence_text(_ending(stream))
    return {"ShardId": stream["ShardId"], "SequenceNumberRange": seq_range}


def _limit(value: int | None, maximum: int) -> int:
    if value is None:
        return maximum
    if value > maximum:
        raise errors.validation(
            f"1 validation error detected: Value '{value}' at 'limit' failed to satisfy "
            f"constraint: Member must have value less than or equal to {maximum}"
        )
    return value
