"""CreateTable, DescribeTable, ListTables and DeleteTable through boto3."""

from __future__ import annotations

from dynamodb_helpers import expect_error, gsi, key_schema, new_table, unique


def test_create_answers_creating_then_describe_is_active(ddb):
    name = unique()
    created = ddb.create_table(
        TableName=name,
        KeySchema=key_schema(("pk", "S"), ("sk", "N")),
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
    )["TableDescription"]
    try:
        assert created["TableStatus"] == "CREATING"
        assert created["TableArn"] == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
        described = ddb.describe_table(TableName=name)["Table"]
        assert described["TableStatus"] == "ACTIVE"
        assert described["TableId"] == created["TableId"]
        assert described["ItemCount"] == 0 and described["TableSizeBytes"] == 0
        assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
        assert described["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
        assert "BillingModeSummary" not in described
        assert described["DeletionProtectionEnabled"] is False
        ddb.get_waiter("table_exists").wait(TableName=name)
    finally:
        ddb.delete_table(TableName=name)


def test_describe_reports_indexes_streams_sse_and_class(ddb, make_table):
    name = make_table(
        range_key=("sk", "S"),
        attributes={"g": "S", "l": "N"},
        GlobalSecondaryIndexes=[gsi("by-g", "g", projection=["x", "y"])],
        LocalSecondaryIndexes=[gsi("by-l", "pk", "l", projection="KEYS_ONLY")],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        SSESpecification={"Enabled": True},
        TableClass="STANDARD_INFREQUENT_ACCESS",
        Tags=[{"Key": "team", "Value": "core"}],
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    (g,) = table["GlobalSecondaryIndexes"]
    assert g["IndexStatus"] == "ACTIVE"
    assert g["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x", "y"]}
    assert g["IndexArn"] == f"{table['TableArn']}/index/by-g"
    assert g["ItemCount"] == 0 and g["IndexSizeBytes"] == 0
    (lsi,) = table["LocalSecondaryIndexes"]
    assert lsi["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert table["LatestStreamArn"] == f"{table['TableArn']}/stream/{table['LatestStreamLabel']}"
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert table["SSEDescription"]["SSEType"] == "KMS"
    assert table["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    tags = ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "core"}]


def test_item_count_and_size_follow_writes(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "v": {"S": "xyz"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "2"}})
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == 2
    # pk(2+1) sk(2+1) v(1+3) + pk(2+1) sk(2+1)
    assert described["TableSizeBytes"] == 16
    ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "1"}})
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == 1 and described["TableSizeBytes"] == 6


def test_list_tables_pages(ddb, make_table):
    names = sorted(make_table() for _ in range(3))
    seen: list[str] = []
    start = None
    while True:
        kwargs = {"Limit": 2, **({"ExclusiveStartTableName": start} if start else {})}
        page = ddb.list_tables(**kwargs)
        seen += page["TableNames"]
        assert len(page["TableNames"]) <= 2
        start = page.get("LastEvaluatedTableName")
        if not start:
            break
    assert seen == sorted(seen)
    assert set(names) <= set(seen)
    all_names = [n for p in ddb.get_paginator("list_tables").paginate() for n in p["TableNames"]]
    assert set(names) <= set(all_names)


def test_delete_table_removes_everything(ddb):
    name = new_table(ddb, attributes={"g": "S"}, GlobalSecondaryIndexes=[gsi("gix", "g")])
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    expect_error(
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
        ddb.describe_table,
        TableName=name,
    )
    # A new table of the same name starts empty, its index too.
    new_table(ddb, attributes={"g": "S"}, TableName=name, GlobalSecondaryIndexes=[gsi("gix", "g")])
    try:
        assert ddb.scan(TableName=name)["Count"] == 0
        assert ddb.scan(TableName=name, IndexName="gix")["Count"] == 0
        assert ddb.describe_table(TableName=name)["Table"]["ItemCount"] == 0
    finally:
        ddb.delete_table(TableName=name)


def test_missing_table_errors(ddb):
    name = unique()
    expect_error(
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
        ddb.delete_table,
        TableName=name,
    )
    expect_error(
        "ResourceNotFoundException",
        "Requested resource not found",
        ddb.get_item,
        TableName=name,
        Key={"pk": {"S": "a"}},
    )
    expect_error(
        "ResourceNotFoundException",
        "Requested resource not found",
        ddb.query,
        TableName=name,
        KeyConditionExpression="pk = :v",
        ExpressionAttributeValues={":v": {"S": "a"}},
    )


def test_create_existing_table_is_in_use(ddb, make_table):
    name = make_table()
    expect_error(
        "ResourceInUseException",
        f"Table already exists: {name}",
        new_table,
        ddb,
        TableName=name,
    )


def test_deletion_protection(ddb, make_table):
    name = make_table(DeletionProtectionEnabled=True)
    assert ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
    expect_error(
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. "
        "Disable deletion protection first.",
        ddb.delete_table,
        TableName=name,
    )
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=name)


def test_table_arn_works_as_table_name(ddb, table):
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    ddb.put_item(TableName=arn, Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "b"}})["Item"]


def test_endpoints_and_limits(ddb, endpoint):
    (found,) = ddb.describe_endpoints()["Endpoints"]
    assert found["CachePeriodInMinutes"] == 1440
    assert found["Address"] == endpoint.split("://", 1)[1]
    limits = ddb.describe_limits()
    assert limits["TableMaxReadCapacityUnits"] == 40000
    assert limits["AccountMaxWriteCapacityUnits"] == 80000
