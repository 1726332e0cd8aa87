"""Asynchronous invocation records delivered to an SNS topic and an EventBridge bus, as AWS sends
them, observed through an SQS queue subscribed to the topic / targeted by a rule."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest
from resource_policies import sns_may_send

ACCOUNT = "000000000000"
REGION = "us-east-1"
WORKER = (
    "def handler(event, context):\n"
    "    if event.get('fail'):\n"
    "        raise ValueError('failed on purpose')\n"
    "    return {'doubled': event['n'] * 2}\n"
)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def fn_arn(name: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


@pytest.fixture(scope="module")
def sqs(client_factory):
    return client_factory("sqs")


@pytest.fixture
def queue(sqs):
    url = sqs.create_queue(QueueName=unique("dest"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    yield url, arn
    sqs.delete_queue(QueueUrl=url)


def one_message(sqs, url: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
        if got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
            return json.loads(got[0]["Body"])
    raise AssertionError(f"nothing arrived in {url}")


def test_on_success_to_an_sns_topic(lam, sqs, client_factory, create_function, queue):
    sns = client_factory("sns")
    url, queue_arn = queue
    topic = sns.create_topic(Name=unique("results"))["TopicArn"]
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"Policy": sns_may_send(topic, queue_arn)},
    )
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    name = create_function({"app.py": WORKER})
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": topic}}
    )

    out = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 21}))
    request_id = out["ResponseMetadata"]["RequestId"]
    notification = one_message(sqs, url)
    assert notification["Type"] == "Notification"
    assert notification["TopicArn"] == topic
    record = json.loads(notification["Message"])
    assert record["version"] == "1.0"
    assert dt.datetime.strptime(record["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": fn_arn(name, "$LATEST"),
        "condition": "Success",
        "approximateInvokeCount": 1,
    }
    assert record["requestPayload"] == {"n": 21}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"doubled": 42}


def test_on_failure_to_an_eventbridge_bus(lam, sqs, client_factory, create_function, queue):
    events = client_factory("events")
    url, queue_arn = queue
    bus = unique("results")
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    rule = unique("failures")
    events.put_rule(
        Name=rule,
        EventBusName=bus,
        EventPattern=json.dumps(
            {"source": ["lambda"], "detail-type": ["Lambda Function Invocation Result - Failure"]}
        ),
    )
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "q", "Arn": queue_arn}])
    name = create_function({"app.py": WORKER})
    lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": bus_arn}},
    )

    # A success sends nothing (no OnSuccess destination); the failure sends the record.
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 1}))
    out = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"fail": True}))
    request_id = out["ResponseMetadata"]["RequestId"]
    event = one_message(sqs, url)
    assert event["source"] == "lambda"
    assert event["detail-type"] == "Lambda Function Invocation Result - Failure"
    assert event["account"] == ACCOUNT and event["region"] == REGION
    assert fn_arn(name, "$LATEST") in event["resources"]
    record = event["detail"]
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": fn_arn(name, "$LATEST"),
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 1,
    }
    assert record["requestPayload"] == {"fail": True}
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"]["errorType"] == "ValueError"
    assert record["responsePayload"]["errorMessage"] == "failed on purpose"
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
