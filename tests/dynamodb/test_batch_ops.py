"""BatchGetItem and BatchWriteItem: limits, duplicates, shapes, several tables."""

from __future__ import annotations

from dynamodb_helpers import expect_error


def _key(pk, sk="1"):
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def test_batch_write_then_get_across_tables(ddb, make_table):
    one = make_table(range_key=("sk", "S"))
    two = make_table(range_key=("sk", "S"))
    out = ddb.batch_write_item(
        RequestItems={
            one: [
                {"PutRequest": {"Item": {**_key(f"k{i}"), "v": {"N": str(i)}}}} for i in range(20)
            ],
            two: [{"PutRequest": {"Item": _key("x")}}],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert out["UnprocessedItems"] == {}
    by_table = {c["TableName"]: c["CapacityUnits"] for c in out["ConsumedCapacity"]}
    assert by_table == {one: 20.0, two: 1.0}
    ddb.batch_write_item(
        RequestItems={
            one: [{"DeleteRequest": {"Key": _key("k0")}}, {"PutRequest": {"Item": _key("k0", "2")}}]
        }
    )
    got = ddb.batch_get_item(
        RequestItems={
            one: {
                "Keys": [_key("k0"), _key("k0", "2"), _key("k5")],
                "ProjectionExpression": "pk, v",
            },
            two: {"Keys": [_key("x"), _key("missing")], "ConsistentRead": True},
        }
    )
    assert got["UnprocessedKeys"] == {}
    assert sorted(i["pk"]["S"] + i.get("v", {"N": "-"})["N"] for i in got["Responses"][one]) == [
        "k0-",
        "k55",
    ]
    assert got["Responses"][two] == [_key("x")]


def test_batch_limits_and_duplicates(ddb, table):
    expect_error(
        "ValidationException",
        "Too many items requested for the BatchGetItem call",
        ddb.batch_get_item,
        RequestItems={table: {"Keys": [_key(str(i)) for i in range(101)]}},
    )
    expect_error(
        "ValidationException",
        "Provided list of item keys contains duplicates",
        ddb.batch_get_item,
        RequestItems={table: {"Keys": [_key("a"), _key("a")]}},
    )
    expect_error(
        "ValidationException",
        "Provided list of item keys contains duplicates",
        ddb.batch_write_item,
        RequestItems={
            table: [{"PutRequest": {"Item": _key("a")}}, {"DeleteRequest": {"Key": _key("a")}}]
        },
    )
    err = expect_error(
        "ValidationException",
        None,
        ddb.batch_write_item,
        RequestItems={table: [{"PutRequest": {"Item": _key(str(i))}} for i in range(26)]},
    )
    assert "Member must have length less than or equal to 25" in err.response["Error"]["Message"]
    expect_error(
        "ResourceNotFoundException",
        "Requested resource not found",
        ddb.batch_write_item,
        RequestItems={"no-such-table": [{"PutRequest": {"Item": _key("a")}}]},
    )
    # A rejected batch wrote nothing.
    assert ddb.scan(TableName=table)["Count"] == 0


def test_batch_write_key_errors_reject_the_batch(ddb, table):
    expect_error(
        "ValidationException",
        "One or more parameter values were invalid: Missing the key sk in the item",
        ddb.batch_write_item,
        RequestItems={
            table: [
                {"PutRequest": {"Item": _key("ok")}},
                {"PutRequest": {"Item": {"pk": {"S": "x"}}}},
            ]
        },
    )
    assert ddb.scan(TableName=table)["Count"] == 0
