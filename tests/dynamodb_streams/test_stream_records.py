"""What a write puts in the stream: event names, order, images per view type, shapes."""

from __future__ import annotations

import pytest
from streams_helpers import read_all

IMAGES = {
    "KEYS_ONLY": (False, False),
    "NEW_IMAGE": (True, False),
    "OLD_IMAGE": (False, True),
    "NEW_AND_OLD_IMAGES": (True, True),
}


@pytest.mark.parametrize("view_type", list(IMAGES))
def test_view_type_decides_the_images(ddb, streams, stream_table, view_type):
    name, arn = stream_table(view_type)
    key = {"pk": {"S": "k1"}}
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})
    ddb.update_item(
        TableName=name,
        Key=key,
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
    )
    ddb.delete_item(TableName=name, Key=key)

    records = read_all(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    with_new, with_old = IMAGES[view_type]
    expected_new = [{**key, "v": {"N": "1"}}, {**key, "v": {"N": "2"}}, None]
    expected_old = [None, {**key, "v": {"N": "1"}}, {**key, "v": {"N": "2"}}]
    for record, new, old in zip(records, expected_new, expected_old, strict=True):
        body = record["dynamodb"]
        assert body["Keys"] == key
        assert body["StreamViewType"] == view_type
        assert body.get("NewImage") == (new if with_new else None)
        assert body.get("OldImage") == (old if with_old else None)
        assert record["eventSource"] == "aws:dynamodb"
        assert record["eventVersion"] == "1.1"
        assert record["awsRegion"] == "us-east-1"
        assert "userIdentity" not in record  # a user's write, not the service's


def test_record_fields_look_like_aws(ddb, streams, stream_table):
    name, arn = stream_table(range_key=True)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "s": {"S": "x" * 50}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": "2"}})
    first, second = read_all(streams, arn)
    assert first["dynamodb"]["Keys"] == {"pk": {"S": "a"}, "sk": {"N": "1"}}
    assert len(first["eventID"]) >= 32 and first["eventID"] != second["eventID"]
    seq1, seq2 = first["dynamodb"]["SequenceNumber"], second["dynamodb"]["SequenceNumber"]
    assert seq1.isdigit() and len(seq1) >= 21
    assert int(seq2) > int(seq1)
    # The bigger item makes the bigger record.
    assert first["dynamodb"]["SizeBytes"] > second["dynamodb"]["SizeBytes"] > 0
    assert first["dynamodb"]["ApproximateCreationDateTime"].year >= 2024


def test_an_unchanged_item_writes_no_record(ddb, streams, stream_table):
    """AWS: a PutItem or UpdateItem that does not change any data writes no stream record."""
    name, arn = stream_table()
    item = {"pk": {"S": "same"}, "v": {"N": "1"}, "l": {"L": [{"S": "a"}]}}
    ddb.put_item(TableName=name, Item=item)
    ddb.put_item(TableName=name, Item=item)
    ddb.update_item(
        TableName=name,
        Key={"pk": {"S": "same"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "1"}},
    )
    ddb.delete_item(TableName=name, Key={"pk": {"S": "missing"}})
    assert [r["eventName"] for r in read_all(streams, arn)] == ["INSERT"]


def test_failed_condition_writes_no_record(ddb, streams, stream_table):
    name, arn = stream_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "c"}, "v": {"N": "1"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(
            TableName=name,
            Item={"pk": {"S": "c"}, "v": {"N": "2"}},
            ConditionExpression="attribute_not_exists(pk)",
        )
    assert [r["eventName"] for r in read_all(streams, arn)] == ["INSERT"]


def test_binary_and_nested_values_round_trip(ddb, streams, stream_table):
    name, arn = stream_table("NEW_IMAGE")
    item = {
        "pk": {"S": "bin"},
        "b": {"B": b"\x00\xffraw"},
        "bs": {"BS": [b"\x01", b"\x02"]},
        "m": {"M": {"inner": {"B": b"\x10"}, "l": {"L": [{"N": "1.5"}, {"NULL": True}]}}},
        "flag": {"BOOL": False},
    }
    ddb.put_item(TableName=name, Item=item)
    (record,) = read_all(streams, arn)
    image = record["dynamodb"]["NewImage"]
    assert image["b"] == {"B": b"\x00\xffraw"}
    assert sorted(image["bs"]["BS"]) == [b"\x01", b"\x02"]
    assert image["m"] == item["m"]
    assert image["flag"] == {"BOOL": False}


def test_records_keep_write_order_across_items(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    for i in range(30):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i % 7}"}, "n": {"N": str(i)}})
    records = read_all(streams, arn)
    assert len(records) == 30
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == [f"k{i % 7}" for i in range(30)]
    assert [r["eventName"] for r in records] == ["INSERT"] * 7 + ["MODIFY"] * 23
    sequences = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequences == sorted(sequences) and len(set(sequences)) == 30


def test_table_without_stream_has_none(ddb, streams, stream_table):
    name, arn = stream_table(None)
    assert arn is None
    ddb.put_item(TableName=name, Item={"pk": {"S": "x"}})
    assert streams.list_streams(TableName=name)["Streams"] == []
