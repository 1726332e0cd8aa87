"""TransactWriteItems and TransactGetItems: all or nothing, reasons, idempotency, limits."""

from __future__ import annotations

import uuid

import boto3
from dynamodb_helpers import expect_error, new_table

from strato_server import StratoProcess


def _key(pk):
    return {"pk": {"S": pk}, "sk": {"S": "1"}}


def test_transaction_commits_every_action(ddb, make_table):
    a = make_table(range_key=("sk", "S"))
    b = make_table(range_key=("sk", "S"))
    ddb.put_item(TableName=a, Item={**_key("gone"), "v": {"N": "1"}})
    ddb.put_item(TableName=a, Item={**_key("count"), "n": {"N": "1"}})
    ddb.put_item(TableName=b, Item={**_key("guard"), "ok": {"BOOL": True}})
    out = ddb.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": a,
                    "Item": {**_key("new"), "v": {"S": "x"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {"Delete": {"TableName": a, "Key": _key("gone")}},
            {
                "Update": {
                    "TableName": a,
                    "Key": _key("count"),
                    "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            {
                "ConditionCheck": {
                    "TableName": b,
                    "Key": _key("guard"),
                    "ConditionExpression": "ok = :t",
                    "ExpressionAttributeValues": {":t": {"BOOL": True}},
                }
            },
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert {c["TableName"]: c["CapacityUnits"] for c in out["ConsumedCapacity"]} == {a: 6.0, b: 2.0}
    got = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": a, "Key": _key("new")}},
            {"Get": {"TableName": a, "Key": _key("gone")}},
            {"Get": {"TableName": a, "Key": _key("count"), "ProjectionExpression": "n"}},
        ]
    )["Responses"]
    assert got[0]["Item"]["v"] == {"S": "x"}
    assert got[1] == {}
    assert got[2]["Item"] == {"n": {"N": "2"}}


def test_failed_condition_cancels_everything(ddb, table):
    ddb.put_item(TableName=table, Item={**_key("a"), "v": {"N": "1"}})
    err = expect_error(
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed, None]",
        ddb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": table, "Item": _key("b")}},
            {
                "Update": {
                    "TableName": table,
                    "Key": _key("a"),
                    "UpdateExpression": "SET v = :two",
                    "ConditionExpression": "v = :two",
                    "ExpressionAttributeValues": {":two": {"N": "2"}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            {"Delete": {"TableName": table, "Key": _key("a2")}},
        ],
    )
    reasons = err.response["CancellationReasons"]
    assert reasons[0] == {"Code": "None"}
    assert reasons[1]["Code"] == "ConditionalCheckFailed"
    assert reasons[1]["Message"] == "The conditional request failed"
    assert reasons[1]["Item"] == {**_key("a"), "v": {"N": "1"}}
    assert reasons[2] == {"Code": "None"}
    assert ddb.scan(TableName=table)["Count"] == 1  # the Put did not happen


def test_runtime_validation_error_cancels(ddb, table):
    ddb.put_item(TableName=table, Item={**_key("a"), "s": {"S": "text"}})
    err = expect_error(
        "TransactionCanceledException",
        None,
        ddb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": table, "Item": _key("b")}},
            {
                "Update": {
                    "TableName": table,
                    "Key": _key("a"),
                    "UpdateExpression": "SET s = s + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ],
    )
    assert [r["Code"] for r in err.response["CancellationReasons"]] == ["None", "ValidationError"]
    assert "Item" not in ddb.get_item(TableName=table, Key=_key("b"))


def test_one_item_twice_and_too_many(ddb, table):
    expect_error(
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
        ddb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": table, "Item": _key("a")}},
            {"Delete": {"TableName": table, "Key": _key("a")}},
        ],
    )
    err = expect_error(
        "ValidationException",
        None,
        ddb.transact_write_items,
        TransactItems=[{"Put": {"TableName": table, "Item": _key(str(i))}} for i in range(101)],
    )
    assert "less than or equal to 100" in err.response["Error"]["Message"]


def test_client_request_token_is_idempotent(ddb, table):
    token = str(uuid.uuid4())
    update = {
        "Update": {
            "TableName": table,
            "Key": _key("c"),
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    ddb.transact_write_items(TransactItems=[update], ClientRequestToken=token)
    ddb.transact_write_items(TransactItems=[update], ClientRequestToken=token)
    assert ddb.get_item(TableName=table, Key=_key("c"))["Item"]["n"] == {"N": "1"}
    other = {"Put": {"TableName": table, "Item": _key("d")}}
    expect_error(
        "IdempotentParameterMismatchException",
        None,
        ddb.transact_write_items,
        TransactItems=[other],
        ClientRequestToken=token,
    )
    ddb.transact_write_items(TransactItems=[update], ClientRequestToken=str(uuid.uuid4()))
    assert ddb.get_item(TableName=table, Key=_key("c"))["Item"]["n"] == {"N": "2"}


def test_client_request_token_expires_after_ten_minutes(tmp_path):
    # A server of its own: moving the clock ten minutes must not disturb other tests.
    server = StratoProcess(str(tmp_path / "state")).start()
    try:
        ddb = boto3.client(
            "dynamodb",
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        table = new_table(ddb, range_key=("sk", "S"))
        token = str(uuid.uuid4())
        put = {"Put": {"TableName": table, "Item": _key("a")}}
        ddb.transact_write_items(TransactItems=[put], ClientRequestToken=token)
        server.advance_clock(9 * 60)
        expect_error(
            "IdempotentParameterMismatchException",
            None,
            ddb.transact_write_items,
            TransactItems=[{"Put": {"TableName": table, "Item": _key("b")}}],
            ClientRequestToken=token,
        )
        server.advance_clock(2 * 60)
        ddb.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": _key("b")}}],
            ClientRequestToken=token,
        )
        assert ddb.scan(TableName=table)["Count"] == 2
    finally:
        server.stop()
