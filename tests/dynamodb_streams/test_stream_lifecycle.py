"""Turning a stream off and on, and deleting its table: new labels, closed shards, old records."""

from __future__ import annotations

from streams_helpers import iterator, read_all


def _enable(ddb, name: str, enabled: bool, view_type: str = "NEW_AND_OLD_IMAGES") -> None:
    spec = {"StreamEnabled": enabled}
    if enabled:
        spec["StreamViewType"] = view_type
    ddb.update_table(TableName=name, StreamSpecification=spec)


def _keys(records) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]


def test_disable_closes_the_shard_and_reenable_starts_a_new_stream(ddb, streams, stream_table):
    name, old_arn = stream_table("KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "before"}})
    it = iterator(streams, old_arn)

    _enable(ddb, name, False)
    ddb.put_item(TableName=name, Item={"pk": {"S": "while-off"}})
    desc = streams.describe_stream(StreamArn=old_arn)["StreamDescription"]
    assert desc["StreamStatus"] == "DISABLED"
    (shard,) = desc["Shards"]
    seq_range = shard["SequenceNumberRange"]
    assert int(seq_range["EndingSequenceNumber"]) >= int(seq_range["StartingSequenceNumber"])

    # The closed shard is still readable; its last page carries no NextShardIterator.
    page = streams.get_records(ShardIterator=it)
    assert _keys(page["Records"]) == ["before"]
    assert "NextShardIterator" not in page
    assert page["Records"][0]["dynamodb"]["SequenceNumber"] == seq_range["EndingSequenceNumber"]

    _enable(ddb, name, True, "NEW_IMAGE")
    table = ddb.describe_table(TableName=name)["Table"]
    new_arn = table["LatestStreamArn"]
    assert new_arn != old_arn and table["LatestStreamLabel"] != old_arn.rsplit("/", 1)[1]
    ddb.put_item(TableName=name, Item={"pk": {"S": "after"}})

    assert _keys(read_all(streams, old_arn)) == ["before"]
    new_records = read_all(streams, new_arn)
    assert _keys(new_records) == ["after"]
    assert new_records[0]["dynamodb"]["StreamViewType"] == "NEW_IMAGE"
    assert int(new_records[0]["dynamodb"]["SequenceNumber"]) > int(
        seq_range["EndingSequenceNumber"]
    )
    listed = {s["StreamArn"] for s in streams.list_streams(TableName=name)["Streams"]}
    assert listed == {old_arn, new_arn}
    new_desc = streams.describe_stream(StreamArn=new_arn)["StreamDescription"]
    assert new_desc["StreamStatus"] == "ENABLED"
    assert new_desc["Shards"][0]["ShardId"] != shard["ShardId"]


def test_latest_on_a_closed_shard_reads_nothing_more(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "x"}})
    _enable(ddb, name, False)
    page = streams.get_records(ShardIterator=iterator(streams, arn, "LATEST"))
    assert page["Records"] == [] and "NextShardIterator" not in page


def test_a_closed_shard_pages_to_its_end(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}})
    _enable(ddb, name, False)
    it, seen = iterator(streams, arn), []
    while it:
        page = streams.get_records(ShardIterator=it, Limit=2)
        seen += page["Records"]
        it = page.get("NextShardIterator")
    assert _keys(seen) == [f"k{i}" for i in range(5)]


def test_deleting_the_table_closes_its_stream(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "kept"}})
    ddb.delete_table(TableName=name)
    desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert desc["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in desc["Shards"][0]["SequenceNumberRange"]
    assert _keys(read_all(streams, arn)) == ["kept"]
    assert arn in {s["StreamArn"] for s in streams.list_streams(TableName=name)["Streams"]}
