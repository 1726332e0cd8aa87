"""The boto3 resource API: Table objects, conditions, batch_writer, waiters and paginated queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from dynamodb_helpers import gsi, unique


@pytest.fixture
def orders(ddb_resource):
    table = ddb_resource.create_table(
        TableName=unique("orders"),
        KeySchema=[
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "order_id", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "order_id", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[gsi("by-status", "status", "order_id")],
        BillingMode="PAY_PER_REQUEST",
    )
    table.wait_until_exists()
    table.reload()
    yield table
    table.delete()


def test_resource_round_trip(orders):
    assert orders.table_status == "ACTIVE"
    with orders.batch_writer() as batch:
        for n in range(1, 31):
            batch.put_item(
                Item={
                    "customer": "c1" if n <= 20 else "c2",
                    "order_id": n,
                    "status": "open" if n % 3 else "shipped",
                    "total": Decimal("9.99") * n,
                    "lines": [{"sku": "a", "qty": 1}],
                    "blob": b"\x00raw",
                }
            )
    item = orders.get_item(Key={"customer": "c1", "order_id": 3})["Item"]
    assert item["total"] == Decimal("29.97")
    assert item["lines"] == [{"sku": "a", "qty": Decimal(1)}]
    assert item["blob"].value == b"\x00raw"
    page = orders.query(
        KeyConditionExpression=Key("customer").eq("c1") & Key("order_id").between(5, 9),
        FilterExpression=Attr("status").eq("open"),
        ScanIndexForward=False,
    )
    assert [int(i["order_id"]) for i in page["Items"]] == [8, 7, 5]
    shipped = orders.query(
        IndexName="by-status",
        KeyConditionExpression=Key("status").eq("shipped") & Key("order_id").gt(10),
    )["Items"]
    assert [int(i["order_id"]) for i in shipped] == [12, 15, 18, 21, 24, 27, 30]
    orders.update_item(
        Key={"customer": "c1", "order_id": 3},
        UpdateExpression="SET #s = :s, #l = list_append(#l, :more)",
        ConditionExpression=Attr("status").eq("shipped"),
        ExpressionAttributeNames={"#s": "status", "#l": "lines"},
        ExpressionAttributeValues={":s": "delivered", ":more": [{"sku": "b", "qty": 2}]},
    )
    item = orders.get_item(Key={"customer": "c1", "order_id": 3}, ConsistentRead=True)["Item"]
    assert item["status"] == "delivered" and len(item["lines"]) == 2
    with pytest.raises(orders.meta.client.exceptions.ConditionalCheckFailedException):
        orders.delete_item(
            Key={"customer": "c1", "order_id": 3}, ConditionExpression=Attr("status").eq("open")
        )
    total = 0
    kwargs = {"Limit": 7}
    while True:
        page = orders.scan(**kwargs)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert total == 30
    orders.reload()
    assert orders.item_count == 30
