"""Reading a shard: iterator types, pagination, ListStreams/DescribeStream, and errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from streams_helpers import iterator, read_all, shard_id


def _put(ddb, name: str, *values: str) -> None:
    for v in values:
        ddb.put_item(TableName=name, Item={"pk": {"S": v}})


def _keys(records) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]


def _code(err: pytest.ExceptionInfo) -> str:
    return err.value.response["Error"]["Code"]


def test_iterator_types(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    _put(ddb, name, "a", "b", "c")
    records = read_all(streams, arn)
    assert _keys(records) == ["a", "b", "c"]
    second = records[1]["dynamodb"]["SequenceNumber"]

    assert _keys(read_all(streams, arn, "AT_SEQUENCE_NUMBER", second)) == ["b", "c"]
    assert _keys(read_all(streams, arn, "AFTER_SEQUENCE_NUMBER", second)) == ["c"]

    latest = iterator(streams, arn, "LATEST")
    assert streams.get_records(ShardIterator=latest)["Records"] == []
    _put(ddb, name, "d")
    page = streams.get_records(ShardIterator=latest)
    assert _keys(page["Records"]) == ["d"]
    # An open shard always hands back an iterator to keep polling with.
    after = streams.get_records(ShardIterator=page["NextShardIterator"])
    assert after["Records"] == [] and after["NextShardIterator"]
    _put(ddb, name, "e")
    assert _keys(streams.get_records(ShardIterator=after["NextShardIterator"])["Records"]) == ["e"]


def test_pagination_with_limit(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    _put(ddb, name, *[f"k{i:02d}" for i in range(25)])
    it, seen, pages = iterator(streams, arn), [], 0
    while True:
        page = streams.get_records(ShardIterator=it, Limit=10)
        if not page["Records"]:
            break
        assert len(page["Records"]) <= 10
        seen += page["Records"]
        pages += 1
        it = page["NextShardIterator"]
    assert pages == 3
    assert _keys(seen) == [f"k{i:02d}" for i in range(25)]


def test_an_iterator_can_be_reused(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    _put(ddb, name, "a", "b")
    it = iterator(streams, arn)
    assert _keys(streams.get_records(ShardIterator=it)["Records"]) == ["a", "b"]
    assert _keys(streams.get_records(ShardIterator=it)["Records"]) == ["a", "b"]


def test_list_and_describe(ddb, streams, stream_table):
    name, arn = stream_table("NEW_IMAGE", range_key=True)
    other, other_arn = stream_table("KEYS_ONLY")
    listed = streams.list_streams(TableName=name)["Streams"]
    label = arn.rsplit("/", 1)[1]
    assert listed == [{"StreamArn": arn, "TableName": name, "StreamLabel": label}]
    all_arns = {s["StreamArn"] for s in streams.list_streams()["Streams"]}
    assert {arn, other_arn} <= all_arns

    desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert desc["StreamArn"] == arn
    assert desc["StreamLabel"] == label
    assert desc["StreamStatus"] == "ENABLED"
    assert desc["StreamViewType"] == "NEW_IMAGE"
    assert desc["TableName"] == name
    assert desc["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert desc["CreationRequestDateTime"].year >= 2024
    (shard,) = desc["Shards"]
    assert shard["ShardId"].startswith("shardId-") and len(shard["ShardId"]) == 37
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    assert len(shard["SequenceNumberRange"]["StartingSequenceNumber"]) >= 21
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["LatestStreamArn"] == arn and table["LatestStreamLabel"] == label


def test_list_streams_pages(ddb, streams, stream_table):
    for _ in range(3):
        stream_table("KEYS_ONLY")
    arns, start = [], None
    while True:
        kwargs = {"Limit": 2}
        if start:
            kwargs["ExclusiveStartStreamArn"] = start
        page = streams.list_streams(**kwargs)
        assert len(page["Streams"]) <= 2
        arns += [s["StreamArn"] for s in page["Streams"]]
        start = page.get("LastEvaluatedStreamArn")
        if not start:
            break
    assert len(arns) == len(set(arns)) >= 3


def test_sequence_number_errors(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    _put(ddb, name, "a")
    (record,) = read_all(streams, arn)
    last = int(record["dynamodb"]["SequenceNumber"])
    shard = shard_id(streams, arn)
    for bad in (str(last + 1000), "9" * 21):
        with pytest.raises(ClientError) as err:
            streams.get_shard_iterator(
                StreamArn=arn,
                ShardId=shard,
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                SequenceNumber=bad,
            )
        assert _code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="AFTER_SEQUENCE_NUMBER"
        )
    assert _code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="OLDEST")
    assert _code(err) == "ValidationException"


def test_not_found_and_bad_input(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    missing = arn.rsplit("/", 1)[0] + "/2000-01-01T00:00:00.000"
    for call in (
        lambda: streams.describe_stream(StreamArn=missing),
        lambda: streams.get_shard_iterator(
            StreamArn=missing, ShardId=shard_id(streams, arn), ShardIteratorType="LATEST"
        ),
        lambda: streams.get_shard_iterator(
            StreamArn=arn,
            ShardId="shardId-00000000000000000000-00000000",
            ShardIteratorType="LATEST",
        ),
        lambda: streams.list_streams(TableName="no-such-table-anywhere"),
    ):
        with pytest.raises(ClientError) as err:
            call()
        assert _code(err) == "ResourceNotFoundException"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    it = iterator(streams, arn)
    for bad in ("not-an-iterator", it[:-8] + "AAAAAAA=", it.replace("|1|", "|2|")):
        with pytest.raises(ClientError) as err:
            streams.get_records(ShardIterator=bad)
        assert _code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        streams.get_records(ShardIterator=it, Limit=1001)
    assert _code(err) == "ValidationException"


def test_a_page_holds_at_most_1_mb(ddb, streams, stream_table):
    name, arn = stream_table("NEW_IMAGE")
    for i in range(3):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"big{i}"}, "blob": {"S": "x" * 390_000}})
    first = streams.get_records(ShardIterator=iterator(streams, arn))
    assert _keys(first["Records"]) == ["big0", "big1"]
    assert sum(r["dynamodb"]["SizeBytes"] for r in first["Records"]) <= 1 << 20
    second = streams.get_records(ShardIterator=first["NextShardIterator"])
    assert _keys(second["Records"]) == ["big2"]
