"""Event source mapping behaviour that waits on the clock (retry backoff, record age, the
batching window), on a private server: moving its clock leaves the shared one alone."""

from __future__ import annotations

import json
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from esm_helpers import (
    SQS_HANDLER,
    create_function,
    create_queue,
    invocations,
    pks,
    receive_all,
    stream_setup,
    wait,
)

from strato_server import StratoProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc = StratoProcess(str(tmp_path_factory.mktemp("esm-clock") / "state")).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def client(server):
    def make(service: str):
        return boto3.client(
            service,
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}, read_timeout=120),
        )

    return make


@pytest.fixture(scope="module")
def lam(client):
    return client("lambda")


@pytest.fixture(scope="module")
def ddb(client):
    return client("dynamodb")


@pytest.fixture(scope="module")
def sqs(client):
    return client("sqs")


@pytest.fixture(scope="module")
def s3(client):
    return client("s3")


@pytest.fixture
def bucket(s3):
    name = f"esm-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def env(lam, ddb, bucket):
    with stream_setup(lam, ddb, bucket) as made:
        yield made


def _map(lam, created, **kwargs) -> dict:
    out = lam.create_event_source_mapping(**kwargs)
    created.append(out["UUID"])
    return out


def test_retries_then_on_failure_to_sqs(server, client, lam, ddb, sqs, s3, bucket, env):
    name, table, stream_arn, created = env
    dlq_url, dlq_arn = create_queue(sqs)
    out = _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": dlq_arn}},
    )
    assert out["DestinationConfig"] == {"OnFailure": {"Destination": dlq_arn}}
    ddb.put_item(TableName=table, Item={"pk": {"S": "poison"}, "fail": {"BOOL": True}})
    # Retries back off on the clock: move it on instead of waiting.
    wait(lambda: len(invocations(s3, bucket)) >= 3, tick=lambda: server.advance_clock(1))
    messages = receive_all(sqs, dlq_url, 1, timeout=60)
    assert len(messages) == 1
    record = json.loads(messages[0]["Body"])
    attempts = invocations(s3, bucket)
    assert len(attempts) == 3  # the first try and two retries
    assert all(pks(e) == ["poison"] for e in attempts)
    seq = attempts[0]["Records"][0]["dynamodb"]["SequenceNumber"]
    assert record["version"] == "1.0"
    assert record["timestamp"].endswith("Z")
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"].endswith(f":function:{name}")
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    info = record["DDBStreamBatchInfo"]
    shard_id = ddb_shard(client, stream_arn)
    assert info == {
        "shardId": shard_id,
        "startSequenceNumber": seq,
        "endSequenceNumber": seq,
        "approximateArrivalOfFirstRecord": info["approximateArrivalOfFirstRecord"],
        "approximateArrivalOfLastRecord": info["approximateArrivalOfLastRecord"],
        "batchSize": 1,
        "streamArn": stream_arn,
    }
    assert info["approximateArrivalOfFirstRecord"].endswith("Z")
    # The shard moved on past the discarded record.
    ddb.put_item(TableName=table, Item={"pk": {"S": "next"}})
    assert wait(lambda: pks(invocations(s3, bucket)[-1]) == ["next"])


def ddb_shard(client, stream_arn: str) -> str:
    streams = client("dynamodbstreams")
    return streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0][
        "ShardId"
    ]


def test_record_age_exceeded_goes_to_sns(server, client, lam, ddb, sqs, s3, bucket, env):
    name, table, stream_arn, created = env
    sns = client("sns")
    topic = sns.create_topic(Name=f"{name}-failures")["TopicArn"]
    url, queue_arn = create_queue(sqs)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    out = _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": topic}},
    )
    assert out["MaximumRecordAgeInSeconds"] == 60
    ddb.put_item(TableName=table, Item={"pk": {"S": "stale"}, "fail": {"BOOL": True}})
    assert wait(lambda: invocations(s3, bucket))
    server.advance_clock(120)  # retries are infinite, but the record is now too old
    messages = receive_all(sqs, url, 1, timeout=60)
    assert len(messages) == 1
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["condition"] == "RecordAgeExceeded"
    assert record["DDBStreamBatchInfo"]["batchSize"] == 1
    assert record["DDBStreamBatchInfo"]["streamArn"] == stream_arn
    ddb.put_item(TableName=table, Item={"pk": {"S": "fresh"}})
    assert wait(lambda: pks(invocations(s3, bucket)[-1]) == ["fresh"])


def test_batching_window_gathers_until_it_closes(server, lam, sqs, s3, bucket):
    name = create_function(lam, SQS_HANDLER, bucket)
    url, arn = create_queue(sqs)
    created: list[str] = []
    _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=arn,
        BatchSize=20,
        MaximumBatchingWindowInSeconds=60,
    )
    # As AWS advises, the visibility timeout outlasts the window.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "600"})
    for body in ("one", "two", "three"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    time.sleep(3)
    assert invocations(s3, bucket) == []  # the window (60 s on the shared clock) is still open
    server.advance_clock(61)
    events = wait(lambda: invocations(s3, bucket))
    assert [sorted(e["bodies"]) for e in events] == [["one", "three", "two"]]
