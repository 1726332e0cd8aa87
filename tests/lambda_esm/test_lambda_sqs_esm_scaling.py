"""SQS event source mappings: the batching window, MaximumConcurrency, and the recursion
guard for messages that carry a deep AWSTraceHeader lineage."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError
from esm_helpers import SQS_HANDLER, create_function, create_queue, invocations, receive_all, wait


@pytest.fixture(scope="module")
def lam(client_factory):
    return client_factory("lambda", read_timeout=120)


@pytest.fixture(scope="module")
def sqs(client_factory):
    return client_factory("sqs")


@pytest.fixture
def env(lam, sqs, bucket):
    made: list[tuple[str, list[str]]] = []

    def make(**variables: str):
        name = create_function(lam, SQS_HANDLER, bucket, **variables)
        url, arn = create_queue(sqs)
        created: list[str] = []
        made.append((name, created))
        return name, url, arn, created

    yield make
    for name, created in made:
        for mapping_id in created:
            try:
                lam.delete_event_source_mapping(UUID=mapping_id)
            except ClientError:
                pass
        lam.delete_function(FunctionName=name)


def _map(lam, created, **kwargs) -> dict:
    out = lam.create_event_source_mapping(**kwargs)
    created.append(out["UUID"])
    return out


def test_batch_size_over_ten_needs_a_window(lam, env):
    name, _url, arn, created = env()
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=20)
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(
            FunctionName=name, EventSourceArn=arn, StartingPosition="LATEST"
        )
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    out = _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=arn,
        BatchSize=20,
        MaximumBatchingWindowInSeconds=5,
        ScalingConfig={"MaximumConcurrency": 3},
        Enabled=False,
    )
    assert out["ScalingConfig"] == {"MaximumConcurrency": 3}
    assert out["MaximumBatchingWindowInSeconds"] == 5
    with pytest.raises(ClientError) as e:
        lam.update_event_source_mapping(UUID=out["UUID"], MaximumBatchingWindowInSeconds=0)
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"


def test_full_batch_does_not_wait_for_the_window(lam, sqs, s3, bucket, env):
    name, url, arn, created = env()
    _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=arn,
        BatchSize=20,
        MaximumBatchingWindowInSeconds=300,
    )
    for start in (0, 10):
        sqs.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "MessageBody": f"m{start + i}"} for i in range(10)],
        )
    events = wait(lambda: invocations(s3, bucket), timeout=30)
    assert [len(e["bodies"]) for e in events] == [20]


def test_maximum_concurrency_bounds_invocations(lam, sqs, s3, bucket, env):
    name, url, arn, created = env(SLEEP="1.5")
    _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=arn,
        BatchSize=1,
        ScalingConfig={"MaximumConcurrency": 2},
    )
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(6)]
    )
    events = wait(lambda: len(invocations(s3, bucket)) >= 6 and invocations(s3, bucket), 90)
    assert sorted(b for e in events for b in e["bodies"]) == [f"m{i}" for i in range(6)]
    peak = max(sum(1 for o in events if o["start"] <= e["start"] < o["end"]) for e in events)
    assert peak == 2  # concurrent, but never more than MaximumConcurrency


def _trace(depth: int) -> dict:
    header = f"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0;Lineage=1a2b3c4d:{depth}"
    return {"AWSTraceHeader": {"DataType": "String", "StringValue": header}}


def test_recursive_chain_is_stopped_and_moved_to_the_dlq(lam, sqs, s3, bucket, env):
    name, url, arn, created = env()
    dlq_url, dlq_arn = create_queue(sqs)
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
        },
    )
    _map(lam, created, FunctionName=name, EventSourceArn=arn)
    sqs.send_message(QueueUrl=url, MessageBody="deep", MessageSystemAttributes=_trace(15))
    sqs.send_message(QueueUrl=url, MessageBody="shallow", MessageSystemAttributes=_trace(3))
    events = wait(lambda: invocations(s3, bucket))
    assert [e["bodies"] for e in events] == [["shallow"]]
    assert "Lineage=" in events[0]["trace"] and events[0]["trace"].endswith(":4")
    moved = receive_all(sqs, dlq_url, 1)
    assert [m["Body"] for m in moved] == ["deep"]
    time.sleep(1)
    assert [e["bodies"] for e in invocations(s3, bucket)] == [["shallow"]]

    # With recursive loops allowed the same message is delivered.
    lam.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow")
    sqs.send_message(QueueUrl=url, MessageBody="allowed", MessageSystemAttributes=_trace(15))
    assert wait(lambda: len(invocations(s3, bucket)) >= 2)
    assert invocations(s3, bucket)[-1]["bodies"] == ["allowed"]


LOOP_HANDLER = """
import json, os, time, uuid
import boto3

def handler(event, context):
    s3 = boto3.client("s3")
    key = f"inv/{time.time_ns():020d}-{uuid.uuid4().hex[:6]}"
    s3.put_object(Bucket=os.environ["OUT"], Key=key, Body=json.dumps({"bodies": []}))
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody="again")
    return {}
"""


def test_function_feeding_its_own_queue_stops_after_sixteen(lam, sqs, s3, bucket, env):
    url, arn = create_queue(sqs)
    dlq_url, dlq_arn = create_queue(sqs)
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
        },
    )
    name = create_function(lam, LOOP_HANDLER, bucket, QUEUE_URL=url)
    try:
        mapping = lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn)["UUID"]
        sqs.send_message(QueueUrl=url, MessageBody="start")
        moved = receive_all(sqs, dlq_url, 1, timeout=90)
        assert [m["Body"] for m in moved] == ["again"]
        time.sleep(1)
        assert len(invocations(s3, bucket)) == 16
        lam.delete_event_source_mapping(UUID=mapping)
    finally:
        lam.delete_function(FunctionName=name)
