"""AWSTraceHeader: from the X-Amzn-Trace-Id request header or the message system attribute (which
wins), returned by ReceiveMessage when asked for; S3 notifications carry the writer's header."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError
from resource_policies import s3_may

HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
EXPLICIT = "Root=1-67891233-abcdef012345678912345678;Sampled=0;Lineage=a87bd80c:3"


def with_trace_header(client, value: str):
    """A copy of `client` whose requests carry X-Amzn-Trace-Id, as boto3 in a Lambda function sends."""

    def add(request, **_):
        request.headers["X-Amzn-Trace-Id"] = value

    client.meta.events.register_first("before-sign.sqs", add)
    return client


@pytest.fixture
def traced(client_factory):
    return with_trace_header(client_factory("sqs"), HEADER)


@pytest.fixture
def traced_query(sqs_query):
    def add(request, **_):
        request.headers["X-Amzn-Trace-Id"] = HEADER

    sqs_query.meta.events.register_first("before-sign.sqs", add)
    yield sqs_query
    sqs_query.meta.events.unregister("before-sign.sqs", add)


def receive(sqs, url: str, **names) -> dict:
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, **names)["Messages"]
    return message


def test_trace_header_of_the_send_request_is_stored(traced, sqs, queue):
    sent = traced.send_message(QueueUrl=queue, MessageBody="hi")
    assert "MD5OfMessageSystemAttributes" not in sent  # no system attribute was given
    message = receive(sqs, queue, MessageSystemAttributeNames=["AWSTraceHeader"])
    assert message["Attributes"] == {"AWSTraceHeader": HEADER}


def test_system_attribute_wins_over_the_header(traced, sqs, queue):
    sent = traced.send_message(
        QueueUrl=queue,
        MessageBody="hi",
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": EXPLICIT}},
    )
    assert len(sent["MD5OfMessageSystemAttributes"]) == 32
    message = receive(sqs, queue, MessageSystemAttributeNames=["All"])
    assert message["Attributes"]["AWSTraceHeader"] == EXPLICIT
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"


def test_only_returned_when_asked_for(traced, sqs, queue):
    traced.send_message(QueueUrl=queue, MessageBody="hi")
    message = receive(sqs, queue, MessageSystemAttributeNames=["SentTimestamp"])
    assert set(message["Attributes"]) == {"SentTimestamp"}
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    assert "Attributes" not in receive(sqs, queue)


def test_without_a_header_there_is_none(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="hi")
    message = receive(sqs, queue, MessageSystemAttributeNames=["All"])
    assert "AWSTraceHeader" not in message["Attributes"]


def test_batch_entries_take_the_header_or_their_own(traced, sqs, queue):
    out = traced.send_message_batch(
        QueueUrl=queue,
        Entries=[
            {"Id": "plain", "MessageBody": "a"},
            {
                "Id": "own",
                "MessageBody": "b",
                "MessageSystemAttributes": {
                    "AWSTraceHeader": {"DataType": "String", "StringValue": EXPLICIT}
                },
            },
        ],
    )
    assert {e["Id"] for e in out["Successful"]} == {"plain", "own"}
    got = sqs.receive_message(
        QueueUrl=queue, MaxNumberOfMessages=10, MessageSystemAttributeNames=["AWSTraceHeader"]
    )["Messages"]
    assert {m["Body"]: m["Attributes"]["AWSTraceHeader"] for m in got} == {
        "a": HEADER,
        "b": EXPLICIT,
    }


def test_query_protocol_header_and_attribute_names(traced_query, sqs_query, queue):
    traced_query.send_message(QueueUrl=queue, MessageBody="old sdk")
    message = receive(sqs_query, queue, AttributeNames=["AWSTraceHeader"])
    assert message["Attributes"] == {"AWSTraceHeader": HEADER}


def test_a_bad_system_attribute_is_refused(sqs, queue):
    with pytest.raises(ClientError) as e:
        sqs.send_message(
            QueueUrl=queue,
            MessageBody="hi",
            MessageSystemAttributes={"AWSTraceHeader": {"DataType": "Number", "StringValue": "1"}},
        )
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_s3_notification_carries_the_writers_trace_header(client_factory, sqs, queue):
    s3 = client_factory("s3")

    def add(request, **_):
        request.headers["X-Amzn-Trace-Id"] = EXPLICIT

    s3.meta.events.register_first("before-sign.s3.PutObject", add)
    bucket = f"trace-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    # As on AWS, S3 delivers only to a queue whose policy lets it send for this bucket.
    sqs.set_queue_attributes(
        QueueUrl=queue, Attributes={"Policy": s3_may("sqs:SendMessage", arn, bucket)}
    )
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [{"Id": "q", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        got = sqs.receive_message(
            QueueUrl=queue,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["AWSTraceHeader"],
        ).get("Messages", [])
        for m in got:
            if "Records" in json.loads(m["Body"]):
                assert m["Attributes"] == {"AWSTraceHeader": EXPLICIT}
                return
    raise AssertionError("the notification never arrived")
