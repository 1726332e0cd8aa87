"""CreateTable's ValidationException messages, table-driven."""

from __future__ import annotations

import pytest
from dynamodb_helpers import expect_error, gsi, unique

PK = {"AttributeName": "pk", "KeyType": "HASH"}
SK = {"AttributeName": "sk", "KeyType": "RANGE"}
PK_S = {"AttributeName": "pk", "AttributeType": "S"}
SK_S = {"AttributeName": "sk", "AttributeType": "S"}
PPR = {"BillingMode": "PAY_PER_REQUEST"}
INVALID = "One or more parameter values were invalid: "

CASES = [
    (
        "key not defined",
        dict(
            KeySchema=[{"AttributeName": "x", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "y", "AttributeType": "S"}],
            **PPR,
        ),
        INVALID
        + "Some index key attributes are not defined in AttributeDefinitions. Keys: [x], AttributeDefinitions: [y]",
    ),
    (
        "range key not defined",
        dict(KeySchema=[PK, SK], AttributeDefinitions=[PK_S], **PPR),
        "Invalid KeySchema: Some index key attribute have no definition",
    ),
    (
        "first key not hash",
        dict(KeySchema=[SK, PK], AttributeDefinitions=[PK_S, SK_S], **PPR),
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
    ),
    (
        "second key not range",
        dict(
            KeySchema=[PK, {"AttributeName": "sk", "KeyType": "HASH"}],
            AttributeDefinitions=[PK_S, SK_S],
            **PPR,
        ),
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
    ),
    (
        "same name twice",
        dict(
            KeySchema=[PK, {"AttributeName": "pk", "KeyType": "RANGE"}],
            AttributeDefinitions=[PK_S],
            **PPR,
        ),
        "Both the Hash Key and the Range Key element in the KeySchema have the same name",
    ),
    (
        "unused definition",
        dict(KeySchema=[PK], AttributeDefinitions=[PK_S, SK_S], **PPR),
        INVALID
        + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
    ),
    (
        "provisioned without throughput",
        dict(KeySchema=[PK], AttributeDefinitions=[PK_S]),
        INVALID
        + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
    ),
    (
        "pay per request with throughput",
        dict(
            KeySchema=[PK],
            AttributeDefinitions=[PK_S],
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            **PPR,
        ),
        INVALID
        + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
    ),
    (
        "gsi key not defined",
        dict(
            KeySchema=[PK],
            AttributeDefinitions=[PK_S],
            GlobalSecondaryIndexes=[gsi("gix", "g")],
            **PPR,
        ),
        INVALID
        + "Some index key attributes are not defined in AttributeDefinitions. Keys: [g], AttributeDefinitions: [pk]",
    ),
    (
        "gsi without throughput on a provisioned table",
        dict(
            KeySchema=[PK],
            AttributeDefinitions=[PK_S, {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[gsi("gix", "g")],
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        ),
        INVALID + "ProvisionedThroughput is not specified for index: gix",
    ),
    (
        "lsi on a hash-only table",
        dict(
            KeySchema=[PK],
            AttributeDefinitions=[PK_S, SK_S],
            LocalSecondaryIndexes=[gsi("lix", "pk", "sk")],
            **PPR,
        ),
        INVALID
        + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex",
    ),
    (
        "lsi with another hash key",
        dict(
            KeySchema=[PK, SK],
            AttributeDefinitions=[PK_S, SK_S, {"AttributeName": "o", "AttributeType": "S"}],
            LocalSecondaryIndexes=[gsi("lix", "o", "sk")],
            **PPR,
        ),
        INVALID
        + "Index KeySchema does not have the same leading hash key as table KeySchema for index: lix. index hash key: o, table hash key: pk",
    ),
    (
        "include without attributes",
        dict(
            KeySchema=[PK],
            AttributeDefinitions=[PK_S, {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[gsi("gix", "g", projection="INCLUDE")],
            **PPR,
        ),
        INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
    ),
    (
        "duplicate index",
        dict(
            KeySchema=[PK],
            AttributeDefinitions=[PK_S, {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[gsi("gix", "g"), gsi("gix", "g")],
            **PPR,
        ),
        INVALID + "Duplicate index name: gix",
    ),
    (
        "stream without view type",
        dict(
            KeySchema=[PK],
            AttributeDefinitions=[PK_S],
            StreamSpecification={"StreamEnabled": True},
            **PPR,
        ),
        INVALID + "Table is being created with a stream enabled, UpdateViewType is required",
    ),
    (
        "bad billing mode",
        dict(KeySchema=[PK], AttributeDefinitions=[PK_S], BillingMode="FREE"),
        "1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
    ),
    (
        "bad attribute type",
        dict(
            KeySchema=[PK],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "X"}],
            **PPR,
        ),
        "1 validation error detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
    ),
    (
        "bad table class",
        dict(KeySchema=[PK], AttributeDefinitions=[PK_S], TableClass="GLACIER", **PPR),
        "Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].",
    ),
]


@pytest.mark.parametrize("params,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_create_table_rejects(ddb, params, message):
    expect_error("ValidationException", message, ddb.create_table, TableName=unique(), **params)


def test_bad_table_names(ddb):
    expect_error(
        "ValidationException",
        "1 validation error detected: Value 'a b' at 'tableName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ddb.create_table,
        TableName="a b",
        KeySchema=[PK],
        AttributeDefinitions=[PK_S],
        **PPR,
    )
    expect_error(
        "ValidationException",
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3",
        ddb.create_table,
        TableName="ab",
        KeySchema=[PK],
        AttributeDefinitions=[PK_S],
        **PPR,
    )
