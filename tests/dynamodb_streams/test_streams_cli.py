"""The AWS CLI reading a DynamoDB stream from Strato, reached through AWS_ENDPOINT_URL."""

from __future__ import annotations

import json
import shutil

import pytest

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")


def test_cli_reads_a_stream(aws, ddb, stream_table):
    name, arn = stream_table("NEW_IMAGE")
    ddb.put_item(TableName=name, Item={"pk": {"S": "cli"}, "n": {"N": "7"}})

    listed = json.loads(aws("dynamodbstreams", "list-streams", "--table-name", name).stdout)
    assert [s["StreamArn"] for s in listed["Streams"]] == [arn]
    desc = json.loads(aws("dynamodbstreams", "describe-stream", "--stream-arn", arn).stdout)
    shard = desc["StreamDescription"]["Shards"][0]["ShardId"]
    it = json.loads(
        aws(
            "dynamodbstreams", "get-shard-iterator",
            "--stream-arn", arn, "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON",
        ).stdout
    )["ShardIterator"]  # fmt: skip
    records = json.loads(aws("dynamodbstreams", "get-records", "--shard-iterator", it).stdout)
    (record,) = records["Records"]
    assert record["eventName"] == "INSERT"
    assert record["dynamodb"]["NewImage"] == {"pk": {"S": "cli"}, "n": {"N": "7"}}

    bad = aws("dynamodbstreams", "get-records", "--shard-iterator", "nonsense", check=False)
    assert bad.returncode != 0 and "ValidationException" in bad.stderr
