"""ReturnConsumedCapacity (TOTAL and INDEXES) and ReturnItemCollectionMetrics."""

from __future__ import annotations

from dynamodb_helpers import gsi


def test_write_capacity_by_size_and_index(ddb, make_table):
    name = make_table(
        range_key=("sk", "S"),
        attributes={"g": "S", "l": "S"},
        GlobalSecondaryIndexes=[gsi("gix", "g")],
        LocalSecondaryIndexes=[gsi("lix", "pk", "l", projection="KEYS_ONLY")],
    )
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    small = ddb.put_item(TableName=name, Item=key, ReturnConsumedCapacity="TOTAL")
    assert small["ConsumedCapacity"] == {"TableName": name, "CapacityUnits": 1.0}
    big = {**key, "g": {"S": "x"}, "v": {"S": "y" * 2000}}  # about 2 KB
    put = ddb.put_item(TableName=name, Item=big, ReturnConsumedCapacity="INDEXES")
    consumed = put["ConsumedCapacity"]
    assert consumed["Table"] == {"CapacityUnits": 2.0}
    assert consumed["GlobalSecondaryIndexes"] == {"gix": {"CapacityUnits": 2.0}}
    assert "LocalSecondaryIndexes" not in consumed  # the item has no LSI key
    assert consumed["CapacityUnits"] == 4.0
    moved = ddb.update_item(
        TableName=name,
        Key=key,
        UpdateExpression="SET g = :g, l = :l REMOVE v",
        ExpressionAttributeValues={":g": {"S": "z"}, ":l": {"S": "k"}},
        ReturnConsumedCapacity="INDEXES",
    )["ConsumedCapacity"]
    assert moved["Table"] == {"CapacityUnits": 2.0}  # the larger of before and after
    assert moved["GlobalSecondaryIndexes"]["gix"] == {"CapacityUnits": 3.0}  # delete 2 KB + put
    assert moved["LocalSecondaryIndexes"]["lix"] == {"CapacityUnits": 1.0}


def test_read_capacity(ddb, table):
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    ddb.put_item(TableName=table, Item={**key, "v": {"S": "y" * 9000}})
    eventual = ddb.get_item(TableName=table, Key=key, ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 1.5
    strong = ddb.get_item(
        TableName=table, Key=key, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 3.0
    missing = ddb.get_item(
        TableName=table, Key={**key, "sk": {"S": "2"}}, ReturnConsumedCapacity="TOTAL"
    )
    assert missing["ConsumedCapacity"]["CapacityUnits"] == 0.5
    assert "ConsumedCapacity" not in ddb.get_item(TableName=table, Key=key)


def test_item_collection_metrics_for_tables_with_lsis(ddb, make_table):
    name = make_table(
        range_key=("sk", "S"),
        attributes={"l": "S"},
        LocalSecondaryIndexes=[gsi("lix", "pk", "l")],
    )
    out = ddb.put_item(
        TableName=name,
        Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "l": {"S": "x"}},
        ReturnItemCollectionMetrics="SIZE",
    )
    metrics = out["ItemCollectionMetrics"]
    assert metrics["ItemCollectionKey"] == {"pk": {"S": "a"}}
    assert metrics["SizeEstimateRangeGB"] == [0.0, 1.0]
    plain = make_table(range_key=("sk", "S"))
    out = ddb.put_item(
        TableName=plain,
        Item={"pk": {"S": "a"}, "sk": {"S": "1"}},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert "ItemCollectionMetrics" not in out
