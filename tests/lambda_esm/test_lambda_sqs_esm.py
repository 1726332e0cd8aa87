"""Lambda event source mappings for SQS through boto3: the API, delivery, failures and the DLQ."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

HANDLER = """
import json, os
import boto3

def handler(event, context):
    s3 = boto3.client("s3")
    failures = []
    for record in event["Records"]:
        body = record["body"]
        if body.startswith("boom"):
            raise RuntimeError("boom")
        if body.startswith("bad"):
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        s3.put_object(Bucket=os.environ["OUT"], Key=body, Body=json.dumps(record))
    return {"batchItemFailures": failures}
"""


def _zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    return buf.getvalue()


@pytest.fixture(scope="module")
def lam(client_factory):
    return client_factory("lambda", read_timeout=120)


@pytest.fixture(scope="module")
def sqs(client_factory):
    return client_factory("sqs")


@pytest.fixture
def setup(lam, sqs, s3, bucket):
    name = f"esm-{uuid.uuid4().hex[:10]}"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": _zip(HANDLER)},
        Environment={"Variables": {"OUT": bucket}},
        Timeout=30,
    )
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    created: list[str] = []
    yield name, url, arn, created
    for mapping_id in created:
        try:
            lam.delete_event_source_mapping(UUID=mapping_id)
        except ClientError:
            pass
    lam.delete_function(FunctionName=name)


def _keys(s3, bucket) -> set[str]:
    return {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def _wait(predicate, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def _count(sqs, url) -> int:
    attrs = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(
        attrs["ApproximateNumberOfMessagesNotVisible"]
    )


def test_api_errors_and_lifecycle(lam, setup):
    name, _url, arn, created = setup
    out = lam.create_event_source_mapping(
        FunctionName=name, EventSourceArn=arn, BatchSize=5, Enabled=False
    )
    created.append(out["UUID"])
    assert out["State"] == "Creating"
    assert out["BatchSize"] == 5
    got = lam.get_event_source_mapping(UUID=out["UUID"])
    assert got["State"] == "Disabled"
    assert got["EventSourceArn"] == arn
    assert got["FunctionArn"].endswith(f":function:{name}")
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn)
    assert e.value.response["Error"]["Code"] == "ResourceConflictException"
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(FunctionName="no-such-fn-xyz", EventSourceArn=arn)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(FunctionName=name, EventSourceArn="arn:aws:foo:bar")
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as e:
        lam.update_event_source_mapping(UUID=out["UUID"], BatchSize=20000)
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    listed = lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [out["UUID"]]
    assert lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
    updated = lam.update_event_source_mapping(UUID=out["UUID"], BatchSize=7)
    assert updated["BatchSize"] == 7
    deleted = lam.delete_event_source_mapping(UUID=out["UUID"])
    assert deleted["State"] == "Deleting"
    with pytest.raises(ClientError) as e:
        lam.get_event_source_mapping(UUID=out["UUID"])
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_delivers_and_deletes(lam, sqs, s3, bucket, setup):
    name, url, arn, created = setup
    created.append(lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn)["UUID"])
    sqs.send_message(
        QueueUrl=url,
        MessageBody="one",
        MessageAttributes={"color": {"DataType": "String", "StringValue": "red"}},
    )
    sqs.send_message(QueueUrl=url, MessageBody="two")
    assert _wait(lambda: {"one", "two"} <= _keys(s3, bucket))
    record = json.loads(s3.get_object(Bucket=bucket, Key="one")["Body"].read())
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == arn
    assert record["messageAttributes"]["color"]["stringValue"] == "red"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert _wait(lambda: _count(sqs, url) == 0)


def test_failure_goes_to_dlq(lam, sqs, setup):
    name, url, arn, created = setup
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "VisibilityTimeout": "1",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}),
        },
    )
    created.append(lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn)["UUID"])
    sqs.send_message(QueueUrl=url, MessageBody="boom-1")

    def in_dlq():
        got = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1).get("Messages", [])
        return got

    messages = _wait(in_dlq, timeout=45)
    assert [m["Body"] for m in messages] == ["boom-1"]


def test_report_batch_item_failures(lam, sqs, s3, bucket, setup):
    name, url, arn, created = setup
    sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": "a", "MessageBody": "good-a"}, {"Id": "b", "MessageBody": "bad-b"}],
    )
    created.append(
        lam.create_event_source_mapping(
            FunctionName=name,
            EventSourceArn=arn,
            FunctionResponseTypes=["ReportBatchItemFailures"],
        )["UUID"]
    )
    assert _wait(lambda: "good-a" in _keys(s3, bucket))
    lam.update_event_source_mapping(UUID=created[0], Enabled=False)
    time.sleep(3)  # the poller notices and stops
    got = []
    deadline = time.time() + 45
    while not got and time.time() < deadline:
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2).get("Messages", [])
    assert [m["Body"] for m in got] == ["bad-b"]


def test_disabled_stops_delivery(lam, sqs, s3, bucket, setup):
    name, url, arn, created = setup
    out = lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn)
    created.append(out["UUID"])
    sqs.send_message(QueueUrl=url, MessageBody="first")
    assert _wait(lambda: "first" in _keys(s3, bucket))
    lam.update_event_source_mapping(UUID=out["UUID"], Enabled=False)
    assert lam.get_event_source_mapping(UUID=out["UUID"])["State"] == "Disabled"
    time.sleep(3)
    sqs.send_message(QueueUrl=url, MessageBody="second")
    time.sleep(3)
    assert "second" not in _keys(s3, bucket)
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2).get("Messages", [])
    assert [m["Body"] for m in got] == ["second"]


def test_filter_criteria_drops_unmatched(lam, sqs, s3, bucket, setup):
    name, url, arn, created = setup
    created.append(
        lam.create_event_source_mapping(
            FunctionName=name,
            EventSourceArn=arn,
            FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": ["keep-me"]})}]},
        )["UUID"]
    )
    assert lam.get_event_source_mapping(UUID=created[0])["FilterCriteria"]["Filters"]
    sqs.send_message(QueueUrl=url, MessageBody="drop-me")
    sqs.send_message(QueueUrl=url, MessageBody="keep-me")
    assert _wait(lambda: "keep-me" in _keys(s3, bucket))
    assert _wait(lambda: _count(sqs, url) == 0)
    assert "drop-me" not in _keys(s3, bucket)
