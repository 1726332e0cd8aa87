"""The Streams provider's internal API, as event source mappings will call it (in process, no HTTP)."""

from __future__ import annotations

import pytest

from strato.auth import RequestContext
from strato.config import Settings
from strato.platform import Platform
from strato.protocol import ServiceError
from strato.services.dynamodb import DynamoDBProvider
from strato.services.dynamodbstreams import DynamoDBStreamsProvider

ACCOUNT, REGION = "123456789012", "eu-west-1"


@pytest.fixture
def platform(tmp_path):
    platform = Platform.open(Settings(state_dir=str(tmp_path / "state")))
    platform.providers["dynamodb"] = DynamoDBProvider(platform)
    platform.providers["dynamodbstreams"] = DynamoDBStreamsProvider(platform)
    yield platform
    platform.close()


def _ctx() -> RequestContext:
    return RequestContext(ACCOUNT, REGION, f"arn:aws:iam::{ACCOUNT}:root", "key", "request")


def test_shard_and_read_records(platform):
    ddb, streams = platform.provider("dynamodb"), platform.provider("dynamodbstreams")
    table = ddb.create_table(
        _ctx(),
        {
            "TableName": "orders",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        },
    )["TableDescription"]
    arn = table["LatestStreamArn"]

    shard = streams.shard(ACCOUNT, REGION, arn)
    assert shard["StreamStatus"] == "ENABLED" and shard["LatestSequenceNumber"] is None
    assert shard["ShardId"].startswith("shardId-") and "EndingSequenceNumber" not in shard

    for i in range(5):
        ddb.put_item(
            _ctx(), {"TableName": "orders", "Item": {"id": {"S": f"o{i}"}, "b": {"B": b"\x00"}}}
        )
    first = streams.read_records(ACCOUNT, REGION, arn, None, limit=2)
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in first] == ["o0", "o1"]
    assert first[0]["dynamodb"]["NewImage"]["b"] == {"B": b"\x00"}
    rest = streams.read_records(ACCOUNT, REGION, arn, first[-1]["dynamodb"]["SequenceNumber"])
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in rest] == ["o2", "o3", "o4"]
    latest = streams.shard(ACCOUNT, REGION, arn)["LatestSequenceNumber"]
    assert latest == rest[-1]["dynamodb"]["SequenceNumber"]
    assert streams.read_records(ACCOUNT, REGION, arn, latest) == []

    event = streams.lambda_event_record(rest[0], arn)
    assert event["eventSourceARN"] == arn and event["eventName"] == "INSERT"
    assert event["awsRegion"] == REGION

    ddb.update_table(
        _ctx(), {"TableName": "orders", "StreamSpecification": {"StreamEnabled": False}}
    )
    closed = streams.shard(ACCOUNT, REGION, arn)
    assert closed["StreamStatus"] == "DISABLED"
    assert closed["EndingSequenceNumber"] == latest

    with pytest.raises(ServiceError) as err:
        streams.shard(ACCOUNT, "us-east-1", arn)
    assert err.value.code == "ResourceNotFoundException"


def test_service_deletion_identity_in_lambda_events(platform):
    ddb, streams = platform.provider("dynamodb"), platform.provider("dynamodbstreams")
    arn = ddb.create_table(
        _ctx(),
        {
            "TableName": "sessions",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"},
        },
    )["TableDescription"]["LatestStreamArn"]
    ddb.put_item(_ctx(), {"TableName": "sessions", "Item": {"id": {"S": "s1"}}})
    ddb.delete_item_as_service(ACCOUNT, REGION, "sessions", {"id": {"S": "s1"}})
    insert, remove = streams.read_records(ACCOUNT, REGION, arn, None)
    assert "userIdentity" not in streams.lambda_event_record(insert, arn)
    assert streams.lambda_event_record(remove, arn)["userIdentity"] == {
        "type": "Service",
        "principalId": "dynamodb.amazonaws.com",
    }
