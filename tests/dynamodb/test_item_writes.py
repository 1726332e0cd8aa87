"""PutItem, GetItem, UpdateItem and DeleteItem: conditions, return values, key rules, limits."""

from __future__ import annotations

import pytest
from dynamodb_helpers import expect_error, gsi

K = {"pk": {"S": "a"}, "sk": {"S": "1"}}
INVALID = "One or more parameter values were invalid: "


def test_put_get_round_trip_all_types(ddb, table):
    item = {
        **K,
        "s": {"S": "text"},
        "n": {"N": "1.50"},
        "b": {"B": b"\x00\xffbin"},
        "t": {"BOOL": True},
        "z": {"NULL": True},
        "ss": {"SS": ["x", "y"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"\x01", b"\x02"]},
        "m": {"M": {"inner": {"L": [{"S": "deep"}, {"N": "-0"}, {"B": b"\x00"}]}}},
    }
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key=K, ConsistentRead=True)["Item"]
    assert got["n"] == {"N": "1.5"}  # normalised as DynamoDB does
    assert got["b"] == {"B": b"\x00\xffbin"}
    assert sorted(got["bs"]["BS"]) == [b"\x01", b"\x02"]
    assert got["m"]["M"]["inner"]["L"] == [{"S": "deep"}, {"N": "0"}, {"B": b"\x00"}]
    assert got["ss"] == {"SS": ["x", "y"]}
    assert "Item" not in ddb.get_item(TableName=table, Key={**K, "sk": {"S": "2"}})


def test_projection_expression(ddb, table):
    ddb.put_item(
        TableName=table,
        Item={
            **K,
            "a": {"M": {"b": {"L": [{"S": "x"}, {"S": "y"}]}, "c": {"S": "z"}}},
            "d": {"S": "d"},
        },
    )
    got = ddb.get_item(
        TableName=table,
        Key=K,
        ProjectionExpression="#a.b[1], d",
        ExpressionAttributeNames={"#a": "a"},
    )["Item"]
    assert got == {"a": {"M": {"b": {"L": [{"S": "y"}]}}}, "d": {"S": "d"}}


def test_conditional_put_and_failure_item(ddb, table):
    ddb.put_item(
        TableName=table, Item={**K, "v": {"N": "1"}}, ConditionExpression="attribute_not_exists(pk)"
    )
    err = expect_error(
        "ConditionalCheckFailedException",
        "The conditional request failed",
        ddb.put_item,
        TableName=table,
        Item={**K, "v": {"N": "2"}},
        ConditionExpression="attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert err.response["Item"] == {**K, "v": {"N": "1"}}
    err = expect_error(
        "ConditionalCheckFailedException",
        None,
        ddb.put_item,
        TableName=table,
        Item=K,
        ConditionExpression="v > :v",
        ExpressionAttributeValues={":v": {"N": "5"}},
    )
    assert "Item" not in err.response
    assert ddb.get_item(TableName=table, Key=K)["Item"]["v"] == {"N": "1"}


def test_put_return_values(ddb, table):
    assert "Attributes" not in ddb.put_item(
        TableName=table, Item={**K, "v": {"S": "1"}}, ReturnValues="ALL_OLD"
    )
    old = ddb.put_item(TableName=table, Item={**K, "v": {"S": "2"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"] == {**K, "v": {"S": "1"}}
    expect_error(
        "ValidationException",
        "ReturnValues can only be ALL_OLD or NONE",
        ddb.put_item,
        TableName=table,
        Item=K,
        ReturnValues="ALL_NEW",
    )


def test_update_item_upserts_and_returns(ddb, table):
    new = ddb.update_item(
        TableName=table,
        Key=K,
        UpdateExpression="SET c = if_not_exists(c, :zero) + :one, tags = :tags",
        ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}, ":tags": {"SS": ["a"]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert new == {**K, "c": {"N": "1"}, "tags": {"SS": ["a"]}}
    updated = ddb.update_item(
        TableName=table,
        Key=K,
        UpdateExpression="ADD c :one, tags :more REMOVE nothing",
        ExpressionAttributeValues={":one": {"N": "1"}, ":more": {"SS": ["b"]}},
        ReturnValues="UPDATED_NEW",
    )["Attributes"]
    assert updated["c"] == {"N": "2"}
    assert sorted(updated["tags"]["SS"]) == ["a", "b"]
    old = ddb.update_item(
        TableName=table,
        Key=K,
        UpdateExpression="SET c = :ten",
        ExpressionAttributeValues={":ten": {"N": "10"}},
        ReturnValues="UPDATED_OLD",
    )["Attributes"]
    assert old == {"c": {"N": "2"}}
    all_old = ddb.update_item(
        TableName=table, Key=K, UpdateExpression="REMOVE tags", ReturnValues="ALL_OLD"
    )["Attributes"]
    assert all_old["c"] == {"N": "10"} and "tags" in all_old
    assert "tags" not in ddb.get_item(TableName=table, Key=K)["Item"]


def test_update_condition_and_key_rules(ddb, table):
    ddb.put_item(TableName=table, Item={**K, "v": {"N": "1"}, "s": {"S": "x"}})
    err = expect_error(
        "ConditionalCheckFailedException",
        None,
        ddb.update_item,
        TableName=table,
        Key=K,
        UpdateExpression="SET v = :two",
        ConditionExpression="v = :two",
        ExpressionAttributeValues={":two": {"N": "2"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert err.response["Item"]["v"] == {"N": "1"}
    expect_error(
        "ValidationException",
        INVALID + "Cannot update attribute pk. This attribute is part of the key",
        ddb.update_item,
        TableName=table,
        Key=K,
        UpdateExpression="SET pk = :x",
        ExpressionAttributeValues={":x": {"S": "b"}},
    )
    expect_error(
        "ValidationException",
        "An operand in the update expression has an incorrect data type",
        ddb.update_item,
        TableName=table,
        Key=K,
        UpdateExpression="SET v = s + :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    assert ddb.get_item(TableName=table, Key=K)["Item"]["v"] == {"N": "1"}


def test_delete_item(ddb, table):
    ddb.put_item(TableName=table, Item={**K, "v": {"N": "1"}})
    expect_error(
        "ConditionalCheckFailedException",
        None,
        ddb.delete_item,
        TableName=table,
        Key=K,
        ConditionExpression="v = :v",
        ExpressionAttributeValues={":v": {"N": "9"}},
    )
    gone = ddb.delete_item(TableName=table, Key=K, ReturnValues="ALL_OLD")["Attributes"]
    assert gone == {**K, "v": {"N": "1"}}
    assert "Attributes" not in ddb.delete_item(TableName=table, Key=K, ReturnValues="ALL_OLD")


@pytest.mark.parametrize(
    "item,message",
    [
        ({"sk": {"S": "1"}}, INVALID + "Missing the key pk in the item"),
        (
            {"pk": {"N": "1"}, "sk": {"S": "1"}},
            INVALID + "Type mismatch for key pk expected: S actual: N",
        ),
        (
            {"pk": {"S": ""}, "sk": {"S": "1"}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: pk",
        ),
    ],
)
def test_put_key_rules(ddb, table, item, message):
    expect_error("ValidationException", message, ddb.put_item, TableName=table, Item=item)


def test_key_parameter_must_match_schema(ddb, table):
    for key in ({"pk": {"S": "a"}}, {**K, "x": {"S": "1"}}, {"pk": {"S": "a"}, "sk": {"N": "1"}}):
        expect_error(
            "ValidationException",
            "The provided key element does not match the schema",
            ddb.get_item,
            TableName=table,
            Key=key,
        )


def test_index_key_rules(ddb, make_table):
    name = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[gsi("gix", "g")])
    expect_error(
        "ValidationException",
        INVALID + "Type mismatch for Index Key g Expected: S Actual: N IndexName: gix",
        ddb.put_item,
        TableName=name,
        Item={"pk": {"S": "a"}, "g": {"N": "1"}},
    )
    expect_error(
        "ValidationException",
        "One or more parameter values are not valid. A value specified for a secondary index "
        "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
        "string value. IndexName: gix, IndexKey: g",
        ddb.put_item,
        TableName=name,
        Item={"pk": {"S": "a"}, "g": {"S": ""}},
    )


def test_item_size_limit(ddb, table):
    just_fits = 400 * 1024 - len("pk") - 1 - len("sk") - 1 - len("big")
    ddb.put_item(TableName=table, Item={**K, "big": {"S": "x" * just_fits}})
    expect_error(
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
        ddb.put_item,
        TableName=table,
        Item={**K, "big": {"S": "x" * (just_fits + 1)}},
    )
    expect_error(
        "ValidationException",
        "Item size to update has exceeded the maximum allowed size",
        ddb.update_item,
        TableName=table,
        Key=K,
        UpdateExpression="SET more = :m",
        ExpressionAttributeValues={":m": {"S": "yy"}},
    )


def test_expression_errors_are_validation_errors(ddb, table):
    expect_error(
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
        ddb.put_item,
        TableName=table,
        Item=K,
        ConditionExpression="attribute_not_exists(pk)",
        ExpressionAttributeValues={":unused": {"S": "x"}},
    )
    err = expect_error(
        "ValidationException",
        None,
        ddb.put_item,
        TableName=table,
        Item=K,
        ConditionExpression="size = :v",
        ExpressionAttributeValues={":v": {"N": "1"}},
    )
    assert "reserved keyword" in err.response["Error"]["Message"]
    expect_error(
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
        ddb.put_item,
        TableName=table,
        Item=K,
        ConditionExpression="attribute_not_exists(pk)",
        Expected={"pk": {"Exists": False}},
    )


def test_numeric_and_binary_keys(ddb, make_table):
    name = make_table(hash_key=("id", "N"), range_key=("b", "B"))
    ddb.put_item(
        TableName=name, Item={"id": {"N": "10.0"}, "b": {"B": b"\x00\x01"}, "v": {"S": "x"}}
    )
    got = ddb.get_item(TableName=name, Key={"id": {"N": "1E1"}, "b": {"B": b"\x00\x01"}})
    assert got["Item"]["v"] == {"S": "x"}
    assert got["Item"]["id"] == {"N": "10"}


def test_updated_values_are_the_updated_paths(ddb, table):
    ddb.put_item(
        TableName=table,
        Item={**K, "doc": {"M": {"a": {"N": "1"}, "b": {"S": "keep"}}}, "other": {"S": "o"}},
    )
    out = ddb.update_item(
        TableName=table,
        Key=K,
        UpdateExpression="SET doc.a = :two",
        ExpressionAttributeValues={":two": {"N": "2"}},
        ReturnValues="UPDATED_NEW",
    )
    assert out["Attributes"] == {"doc": {"M": {"a": {"N": "2"}}}}
    # UpdateItem without an update creates the item from its key alone.
    other = {**K, "sk": {"S": "new"}}
    ddb.update_item(TableName=table, Key=other)
    assert ddb.get_item(TableName=table, Key=other)["Item"] == other
