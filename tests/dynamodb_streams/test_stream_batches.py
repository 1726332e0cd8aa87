"""Batch and transactional writes: one record per changed item, none for a cancelled transaction."""

from __future__ import annotations

import pytest
from streams_helpers import read_all


def _events(records) -> list[tuple[str, str]]:
    return [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records]


def test_batch_write_items(ddb, streams, stream_table):
    name, arn = stream_table("NEW_AND_OLD_IMAGES")
    ddb.put_item(TableName=name, Item={"pk": {"S": "old"}, "v": {"N": "0"}})
    requests = [
        {"PutRequest": {"Item": {"pk": {"S": f"b{i}"}, "v": {"N": str(i)}}}} for i in range(5)
    ]
    requests.append({"DeleteRequest": {"Key": {"pk": {"S": "old"}}}})
    result = ddb.batch_write_item(RequestItems={name: requests})
    assert result["UnprocessedItems"] == {}

    events = _events(read_all(streams, arn))
    assert events[0] == ("INSERT", "old")
    assert sorted(events[1:]) == sorted(
        [("INSERT", f"b{i}") for i in range(5)] + [("REMOVE", "old")]
    )
    remove = next(r for r in read_all(streams, arn) if r["eventName"] == "REMOVE")
    assert remove["dynamodb"]["OldImage"] == {"pk": {"S": "old"}, "v": {"N": "0"}}


def test_transact_write_items(ddb, streams, stream_table):
    name, arn = stream_table("NEW_AND_OLD_IMAGES")
    other, other_arn = stream_table("KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "u"}, "n": {"N": "1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "d"}})
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": name, "Item": {"pk": {"S": "p"}}}},
            {
                "Update": {
                    "TableName": name,
                    "Key": {"pk": {"S": "u"}},
                    "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            {"Delete": {"TableName": name, "Key": {"pk": {"S": "d"}}}},
            {"Put": {"TableName": other, "Item": {"pk": {"S": "elsewhere"}}}},
            {
                "ConditionCheck": {
                    "TableName": other,
                    "Key": {"pk": {"S": "nothing"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
    )
    records = read_all(streams, arn)
    assert _events(records)[:2] == [("INSERT", "u"), ("INSERT", "d")]
    assert sorted(_events(records)[2:]) == [("INSERT", "p"), ("MODIFY", "u"), ("REMOVE", "d")]
    modify = next(r for r in records if r["eventName"] == "MODIFY")
    assert modify["dynamodb"]["OldImage"]["n"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["n"] == {"N": "2"}
    # The condition check changes nothing, so the other table records only its put.
    assert _events(read_all(streams, other_arn)) == [("INSERT", "elsewhere")]


def test_a_cancelled_transaction_records_nothing(ddb, streams, stream_table):
    name, arn = stream_table("KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "exists"}})
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": {"pk": {"S": "new"}}}},
                {
                    "Put": {
                        "TableName": name,
                        "Item": {"pk": {"S": "exists"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    assert _events(read_all(streams, arn)) == [("INSERT", "exists")]
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "new"}})
