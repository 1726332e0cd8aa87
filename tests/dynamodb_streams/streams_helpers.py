"""Helpers for DynamoDB Streams tests: clients on a server, tables with streams, reading shards."""

from __future__ import annotations

import time
import uuid

import boto3
from botocore.config import Config


def clients(endpoint: str, region: str = "us-east-1"):
    """(dynamodb, dynamodbstreams) boto3 clients bound to a Strato server."""
    make = lambda service: boto3.client(  # noqa: E731
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
    return make("dynamodb"), make("dynamodbstreams")


def create_table(
    ddb, view_type: str | None = "NEW_AND_OLD_IMAGES", *, range_key: bool = False, **extra
) -> tuple[str, str | None]:
    """A fresh pay-per-request table keyed `pk` (and `sk`); returns (name, stream ARN)."""
    name = f"streams-{uuid.uuid4().hex[:12]}"
    key_schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
    if range_key:
        key_schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
        attributes.append({"AttributeName": "sk", "AttributeType": "N"})
    attributes += extra.pop("extra_attributes", [])
    kwargs = dict(
        TableName=name,
        KeySchema=key_schema,
        AttributeDefinitions=attributes,
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
    if view_type is not None:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    table = ddb.create_table(**kwargs)["TableDescription"]
    return name, table.get("LatestStreamArn")


def shard_id(streams, arn: str) -> str:
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    assert len(shards) == 1
    return shards[0]["ShardId"]


def iterator(streams, arn: str, kind: str = "TRIM_HORIZON", sequence: str | None = None) -> str:
    kwargs = {"StreamArn": arn, "ShardId": shard_id(streams, arn), "ShardIteratorType": kind}
    if sequence is not None:
        kwargs["SequenceNumber"] = sequence
    return streams.get_shard_iterator(**kwargs)["ShardIterator"]


def read_all(streams, arn: str, kind: str = "TRIM_HORIZON", sequence: str | None = None) -> list:
    """Every record from the position to the end of what the shard holds now."""
    it = iterator(streams, arn, kind, sequence)
    records: list = []
    while it:
        page = streams.get_records(ShardIterator=it)
        records += page["Records"]
        if not page["Records"]:
            break
        it = page.get("NextShardIterator")
    return records


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll for something a background task (the TTL sweeper) does on its own schedule."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)
