"""Helpers for event source mapping tests: functions that record their invocations in S3,
stream tables, queues, and waiting for what a poller does."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

# Records every invocation's event in the OUT bucket (keys sort by time), then fails the
# batch on an item with a `fail` attribute (unless FORGIVE is set), and reports items with `bad` as batch item
# failures the first time it sees them (a `seen/<sequence>` object remembers).
STREAM_HANDLER = """
import json, os, time, uuid
import boto3

s3 = boto3.client("s3")

def handler(event, context):
    bucket = os.environ["OUT"]
    key = f"inv/{time.time_ns():020d}-{uuid.uuid4().hex[:6]}"
    s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(event))
    failures = []
    for record in event["Records"]:
        image = record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage") or {}
        seq = record["dynamodb"]["SequenceNumber"]
        if "fail" in image and not os.environ.get("FORGIVE"):
            raise RuntimeError("fail")
        if "bad" in image:
            try:
                s3.head_object(Bucket=bucket, Key=f"seen/{seq}")
            except Exception:
                s3.put_object(Bucket=bucket, Key=f"seen/{seq}", Body=b"")
                failures.append({"itemIdentifier": seq})
    return {"batchItemFailures": failures}
"""

# Sleeps SLEEP seconds and records when it started and ended and what it was given.
SQS_HANDLER = """
import json, os, time, uuid
import boto3

s3 = boto3.client("s3")

def handler(event, context):
    start = time.time()
    time.sleep(float(os.environ.get("SLEEP", "0")))
    body = {
        "start": start,
        "end": time.time(),
        "bodies": [r["body"] for r in event["Records"]],
        "trace": os.environ.get("_X_AMZN_TRACE_ID", ""),
    }
    key = f"inv/{time.time_ns():020d}-{uuid.uuid4().hex[:6]}"
    s3.put_object(Bucket=os.environ["OUT"], Key=key, Body=json.dumps(body))
    return {}
"""


def make_zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    return buf.getvalue()


def create_function(lam, code: str, bucket: str, **env: str) -> str:
    name = f"esm-{uuid.uuid4().hex[:10]}"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": make_zip(code)},
        Environment={"Variables": {"OUT": bucket, **env}},
        Timeout=30,
    )
    return name


def create_stream_table(ddb) -> tuple[str, str]:
    """A table keyed `pk` with a NEW_AND_OLD_IMAGES stream: (name, stream ARN)."""
    name = f"esm-{uuid.uuid4().hex[:10]}"
    out = ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return name, out["TableDescription"]["LatestStreamArn"]


def create_queue(sqs, name: str | None = None) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name or f"esm-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


def invocations(s3, bucket: str) -> list[dict]:
    """Every recorded invocation's event (or record), oldest first."""
    keys = sorted(
        o["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="inv/")
        for o in page.get("Contents", [])
    )
    return [json.loads(s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in keys]


def wait(predicate, timeout: float = 60.0, tick=None):
    """Poll `predicate` until it returns something true; `tick` runs between polls."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        if tick is not None:
            tick()
        time.sleep(0.2)
    return predicate()


def receive_all(sqs, url: str, want: int, timeout: float = 30.0) -> list[dict]:
    got: list[dict] = []
    deadline = time.time() + timeout
    while len(got) < want and time.time() < deadline:
        out = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for msg in out.get("Messages", []):
            got.append(msg)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
    return got


@contextmanager
def stream_setup(lam, ddb, bucket: str) -> Iterator[tuple[str, str, str, list[str]]]:
    """(function, table, stream ARN, mapping UUIDs to delete); all removed afterwards."""
    name = create_function(lam, STREAM_HANDLER, bucket)
    table, stream_arn = create_stream_table(ddb)
    created: list[str] = []
    try:
        yield name, table, stream_arn, created
    finally:
        for mapping_id in created:
            try:
                lam.delete_event_source_mapping(UUID=mapping_id)
            except ClientError:
                pass
        lam.delete_function(FunctionName=name)
        ddb.delete_table(TableName=table)


def pks(event) -> list[str]:
    """The partition keys of a stream event's records, in order."""
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]]
