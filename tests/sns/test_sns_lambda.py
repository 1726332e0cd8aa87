"""Publish -> Lambda: an asynchronous invoke with the SNS event, allowed by the function's policy."""

from __future__ import annotations

import io
import json
import time
import zipfile

from conftest import allow_topic, receive, unique

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
CODE = """
import json, os
import boto3

def handler(event, context):
    record = event["Records"][0]
    boto3.client("s3").put_object(
        Bucket=os.environ["BUCKET"], Key=record["Sns"]["MessageId"], Body=json.dumps(event)
    )
"""


def _zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    return buf.getvalue()


def _function(lam, bucket: str) -> str:
    name = unique("fn")
    arn = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": _zip(CODE)},
        Environment={"Variables": {"BUCKET": bucket}},
    )["FunctionArn"]
    return arn


def _wait_object(s3, bucket: str, key: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        if key in keys:
            return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        time.sleep(0.1)
    return None


def test_publish_invokes_the_function_with_the_sns_event(client_factory, sns, s3, bucket):
    lam = client_factory("lambda", read_timeout=120)
    fn = _function(lam, bucket)
    try:
        topic = sns.create_topic(Name=unique())["TopicArn"]
        lam.add_permission(
            FunctionName=fn,
            StatementId="sns",
            Action="lambda:InvokeFunction",
            Principal="sns.amazonaws.com",
            SourceArn=topic,
        )
        sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn)["SubscriptionArn"]
        out = sns.publish(
            TopicArn=topic,
            Message="to the function",
            Subject="subj",
            MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
        )
        event = _wait_object(s3, bucket, out["MessageId"])
        assert event is not None, "the function never ran"
        [record] = event["Records"]
        assert record["EventSource"] == "aws:sns"
        assert record["EventSubscriptionArn"] == sub
        sns_part = record["Sns"]
        assert sns_part["Type"] == "Notification"
        assert sns_part["TopicArn"] == topic
        assert sns_part["Message"] == "to the function"
        assert sns_part["Subject"] == "subj"
        assert sns_part["MessageAttributes"] == {"k": {"Type": "String", "Value": "v"}}
        assert sns_part["SigningCertUrl"] and sns_part["UnsubscribeUrl"]
    finally:
        lam.delete_function(FunctionName=fn)


def test_function_without_permission_is_not_invoked(client_factory, sns, sqs, s3, bucket):
    lam = client_factory("lambda", read_timeout=120)
    fn = _function(lam, bucket)
    try:
        topic = sns.create_topic(Name=unique())["TopicArn"]
        dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"Policy": allow_topic(topic, dlq_arn)})
        sns.subscribe(
            TopicArn=topic,
            Protocol="lambda",
            Endpoint=fn,
            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})},
        )
        out = sns.publish(TopicArn=topic, Message="denied")
        [msg] = receive(sqs, dlq)
        assert json.loads(msg["Body"])["MessageId"] == out["MessageId"]
        assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    finally:
        lam.delete_function(FunctionName=fn)
