"""UpdateTable (indexes with backfill, streams, billing, throughput), TTL settings and tags."""

from __future__ import annotations

from dynamodb_helpers import expect_error, gsi, unique

INVALID = "One or more parameter values were invalid: "


def _put(ddb, table, pk, **attrs):
    item = {"pk": {"S": pk}, **{k: {"S": v} for k, v in attrs.items()}}
    ddb.put_item(TableName=table, Item=item)


def test_adding_a_gsi_backfills_existing_items(ddb, make_table):
    name = make_table()
    _put(ddb, name, "a", colour="red", size="s")
    _put(ddb, name, "b", colour="red")
    _put(ddb, name, "c")  # no index key: stays out of the index
    updated = ddb.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {"Create": gsi("by-colour", "colour", projection="KEYS_ONLY")}
        ],
    )["TableDescription"]
    assert updated["TableStatus"] == "UPDATING"
    (created,) = updated["GlobalSecondaryIndexes"]
    assert created["IndexStatus"] == "CREATING"
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexStatus"] == "ACTIVE" and index["ItemCount"] == 2
    found = ddb.query(
        TableName=name,
        IndexName="by-colour",
        KeyConditionExpression="colour = :c",
        ExpressionAttributeValues={":c": {"S": "red"}},
    )["Items"]
    assert sorted(i["pk"]["S"] for i in found) == ["a", "b"]
    assert all(set(i) == {"pk", "colour"} for i in found)  # KEYS_ONLY
    # Later writes keep the new index in step.
    _put(ddb, name, "c", colour="red")
    ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    found = ddb.query(
        TableName=name,
        IndexName="by-colour",
        KeyConditionExpression="colour = :c",
        ExpressionAttributeValues={":c": {"S": "red"}},
    )["Items"]
    assert sorted(i["pk"]["S"] for i in found) == ["b", "c"]


def test_removing_a_gsi(ddb, make_table):
    name = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[gsi("gone", "g")])
    _put(ddb, name, "a", g="x")
    updated = ddb.update_table(
        TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "gone"}}]
    )["TableDescription"]
    assert updated["GlobalSecondaryIndexes"][0]["IndexStatus"] == "DELETING"
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=name)["Table"]
    expect_error(
        "ValidationException",
        "The table does not have the specified index: gone",
        ddb.query,
        TableName=name,
        IndexName="gone",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}},
    )
    _put(ddb, name, "b", g="x")  # writes no longer touch the dropped index


def test_gsi_update_errors(ddb, make_table):
    name = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[gsi("gix", "g")])
    expect_error(
        "ValidationException",
        "Attempting to create an index which already exists",
        ddb.update_table,
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": gsi("gix", "g")}],
    )
    expect_error(
        "ValidationException",
        INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
        "Keys: [h], AttributeDefinitions: [g]",
        ddb.update_table,
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": gsi("hix", "h")}],
    )
    expect_error(
        "LimitExceededException",
        "Subscriber limit exceeded: Only 1 online index can be created or deleted "
        "simultaneously per table",
        ddb.update_table,
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "h", "AttributeType": "S"},
            {"AttributeName": "i", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexUpdates=[{"Create": gsi("hix", "h")}, {"Create": gsi("iix", "i")}],
    )


def test_stream_off_and_on_gets_a_new_label(ddb, make_table):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    first = ddb.describe_table(TableName=name)["Table"]
    expect_error(
        "ValidationException",
        f"Table already has an enabled stream: TableName: {name}",
        ddb.update_table,
        TableName=name,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    off = ddb.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in off
    assert off["LatestStreamArn"] == first["LatestStreamArn"]  # the old stream stays readable
    expect_error(
        "ValidationException",
        f"Table has no stream to disable: TableName: {name}",
        ddb.update_table,
        TableName=name,
        StreamSpecification={"StreamEnabled": False},
    )
    ddb.update_table(
        TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    )
    on = ddb.describe_table(TableName=name)["Table"]
    assert on["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    assert on["LatestStreamLabel"] > first["LatestStreamLabel"]
    assert on["LatestStreamArn"] != first["LatestStreamArn"]


def test_billing_mode_and_throughput(ddb, make_table):
    name = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[gsi("gix", "g")])
    expect_error(
        "ValidationException",
        INVALID + "ProvisionedThroughput must be specified for index: gix",
        ddb.update_table,
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    )
    ddb.update_table(
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        GlobalSecondaryIndexUpdates=[
            {
                "Update": {
                    "IndexName": "gix",
                    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 2},
                }
            }
        ],
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert table["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["WriteCapacityUnits"] == 2
    expect_error(
        "ValidationException",
        None,
        ddb.update_table,
        TableName=name,
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    )
    ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0


def test_update_needs_something_to_change(ddb, table):
    err = expect_error("ValidationException", None, ddb.update_table, TableName=table)
    assert err.response["Error"]["Message"].startswith("At least one of ProvisionedThroughput")


def test_time_to_live_settings(ddb, table):
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    spec = {"Enabled": True, "AttributeName": "expires"}
    answer = ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)
    assert answer["TimeToLiveSpecification"] == spec
    described = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert described == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    expect_error(
        "ValidationException",
        "TimeToLive is already enabled",
        ddb.update_time_to_live,
        TableName=table,
        TimeToLiveSpecification=spec,
    )
    expect_error(
        "ValidationException",
        "TimeToLive is active on a different AttributeName: current AttributeName is expires",
        ddb.update_time_to_live,
        TableName=table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "other"},
    )
    ddb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"}
    )
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }


def test_tags(ddb, table):
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "3"}])
    tags = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("a", "3"), ("b", "2")]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    missing = arn.rsplit("/", 1)[0] + "/" + unique()
    expect_error(
        "ResourceNotFoundException",
        f"Requested resource not found: ResourcArn: {missing} not found",
        ddb.list_tags_of_resource,
        ResourceArn=missing,
    )
