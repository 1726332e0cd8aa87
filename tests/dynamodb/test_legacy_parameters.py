"""The pre-expression parameters real code still sends: Expected, AttributeUpdates,
KeyConditions, QueryFilter, ScanFilter, AttributesToGet, ConditionalOperator."""

from __future__ import annotations

from dynamodb_helpers import expect_error


def _key(sk):
    return {"pk": {"S": "p"}, "sk": {"S": sk}}


def test_expected_and_attribute_updates(ddb, table):
    ddb.put_item(
        TableName=table, Item={**_key("a"), "v": {"N": "1"}}, Expected={"pk": {"Exists": False}}
    )
    expect_error(
        "ConditionalCheckFailedException",
        "The conditional request failed",
        ddb.put_item,
        TableName=table,
        Item=_key("a"),
        Expected={"pk": {"Exists": False}},
    )
    out = ddb.update_item(
        TableName=table,
        Key=_key("a"),
        AttributeUpdates={
            "v": {"Action": "ADD", "Value": {"N": "5"}},
            "w": {"Action": "PUT", "Value": {"S": "x"}},
        },
        Expected={"v": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}},
        ReturnValues="ALL_NEW",
    )
    assert out["Attributes"]["v"] == {"N": "6"} and out["Attributes"]["w"] == {"S": "x"}
    ddb.delete_item(
        TableName=table,
        Key=_key("a"),
        Expected={
            "v": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "100"}]},
            "w": {"Value": {"S": "x"}},
        },
        ConditionalOperator="OR",
    )
    assert "Item" not in ddb.get_item(TableName=table, Key=_key("a"))


def test_key_conditions_query_filter_and_attributes_to_get(ddb, table):
    for sk, n in (("a", 1), ("b", 2), ("c", 3), ("d", 4)):
        ddb.put_item(TableName=table, Item={**_key(sk), "n": {"N": str(n)}, "x": {"S": "y"}})
    page = ddb.query(
        TableName=table,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
            "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "b"}, {"S": "d"}]},
        },
        QueryFilter={"n": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "3"}]}},
        AttributesToGet=["sk", "n"],
    )
    assert page["Items"] == [
        {"sk": {"S": "b"}, "n": {"N": "2"}},
        {"sk": {"S": "d"}, "n": {"N": "4"}},
    ]
    assert page["ScannedCount"] == 3
    scanned = ddb.scan(
        TableName=table,
        ScanFilter={
            "n": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "2"}]},
            "sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "d"}]},
        },
        ConditionalOperator="OR",
    )
    assert sorted(i["sk"]["S"] for i in scanned["Items"]) == ["a", "d"]
    got = ddb.get_item(TableName=table, Key=_key("a"), AttributesToGet=["x"])
    assert got["Item"] == {"x": {"S": "y"}}
