"""A function that publishes to the topic that invokes it: Lambda stops the loop (SNS carries
the caller's trace header, with its recursion depth, to the next invocation)."""

from __future__ import annotations

import io
import time
import zipfile

from conftest import unique

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
CODE = """
import os
import boto3

def handler(event, context):
    record = event["Records"][0]["Sns"]
    boto3.client("s3").put_object(Bucket=os.environ["BUCKET"], Key=record["MessageId"], Body=b"")
    boto3.client("sns").publish(TopicArn=record["TopicArn"], Message="again")
"""


def _zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    return buf.getvalue()


def _count(s3, bucket: str) -> int:
    return s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0)


def test_sns_lambda_sns_loop_is_stopped(client_factory, sns, s3, bucket):
    lam = client_factory("lambda", read_timeout=120)
    logs = client_factory("logs")
    name = unique("loop")
    fn = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": _zip(CODE)},
        Environment={"Variables": {"BUCKET": bucket}},
    )["FunctionArn"]
    try:
        topic = sns.create_topic(Name=unique())["TopicArn"]
        lam.add_permission(
            FunctionName=name,
            StatementId="sns",
            Action="lambda:InvokeFunction",
            Principal="sns.amazonaws.com",
            SourceArn=topic,
        )
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn)
        sns.publish(TopicArn=topic, Message="start")
        # Wait until the count stops moving, then check it stopped where Lambda stops chains.
        last, stable_since, deadline = -1, time.monotonic(), time.monotonic() + 90
        while time.monotonic() < deadline:
            n = _count(s3, bucket)
            if n != last:
                last, stable_since = n, time.monotonic()
            elif n > 0 and time.monotonic() - stable_since > 3:
                break
            time.sleep(0.2)
        assert 2 <= last <= 16, f"{last} invocations: the loop was not stopped where expected"
        group = f"/aws/lambda/{name}"
        events = logs.filter_log_events(logGroupName=group)["events"]
        assert any("recursive" in e["message"] for e in events)
    finally:
        lam.delete_function(FunctionName=name)
