"""PutEvents -> rule -> target: SQS (standard and FIFO), Lambda, CloudWatch Logs, another bus."""

from __future__ import annotations

import datetime
import io
import json
import time
import uuid
import zipfile

import pytest

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


@pytest.fixture(scope="module")
def events(client_factory):
    return client_factory("events")


@pytest.fixture(scope="module")
def sqs(client_factory):
    return client_factory("sqs")


def new_queue(sqs, fifo: bool = False) -> tuple[str, str]:
    name = f"q-{uuid.uuid4().hex[:10]}" + (".fifo" if fifo else "")
    attributes = {"FifoQueue": "true"} if fifo else {}
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


def receive(sqs, url: str, count: int = 1, **kwargs) -> list[dict]:
    got: list[dict] = []
    deadline = time.time() + 15
    while len(got) < count and time.time() < deadline:
        got += sqs.receive_message(
            QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10, **kwargs
        ).get("Messages", [])
    return got


def rule_to(events, target: dict, pattern: dict, bus: str = "default") -> str:
    rule = f"r-{uuid.uuid4().hex[:10]}"
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(pattern))
    assert (
        events.put_targets(Rule=rule, EventBusName=bus, Targets=[target])["FailedEntryCount"] == 0
    )
    return rule


def test_matching_event_reaches_sqs_and_others_do_not(events, sqs):
    url, arn = new_queue(sqs)
    source = f"app.{uuid.uuid4().hex[:8]}"
    rule_to(events, {"Id": "q", "Arn": arn}, {"source": [source], "detail": {"kind": ["order"]}})
    out = events.put_events(
        Entries=[
            {
                "Source": source,
                "DetailType": "Order",
                "Detail": json.dumps({"kind": "order", "n": 1}),
            },
            {"Source": source, "DetailType": "Other", "Detail": json.dumps({"kind": "refund"})},
        ]
    )
    assert out["FailedEntryCount"] == 0
    messages = receive(sqs, url)
    assert len(messages) == 1
    event = json.loads(messages[0]["Body"])
    assert event["id"] == out["Entries"][0]["EventId"]
    assert event["detail-type"] == "Order" and event["detail"] == {"kind": "order", "n": 1}
    assert event["source"] == source and event["account"] == "000000000000"
    time.sleep(0.5)
    assert receive(sqs, url, 1) == []


def test_entry_time_and_resources_are_kept(events, sqs):
    url, arn = new_queue(sqs)
    source = f"app.{uuid.uuid4().hex[:8]}"
    rule_to(events, {"Id": "q", "Arn": arn}, {"source": [source], "resources": ["arn:x"]})
    when = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    entry = {"Source": source, "DetailType": "t", "Detail": "{}", "Time": when}
    events.put_events(Entries=[{**entry, "Resources": ["arn:x", "arn:y"]}])
    event = json.loads(receive(sqs, url)[0]["Body"])
    assert event["time"] == "2024-05-06T07:08:09Z" and event["resources"] == ["arn:x", "arn:y"]


def test_fifo_queue_target_uses_message_group(events, sqs):
    url, arn = new_queue(sqs, fifo=True)
    source = f"app.{uuid.uuid4().hex[:8]}"
    target = {
        "Id": "f",
        "Arn": arn,
        "SqsParameters": {"MessageGroupId": "g1"},
        "InputPath": "$.detail",
    }
    rule_to(events, target, {"source": [source]})
    events.put_events(
        Entries=[{"Source": source, "DetailType": "t", "Detail": json.dumps({"i": 1})}]
    )
    messages = receive(sqs, url, AttributeNames=["MessageGroupId"])
    assert [json.loads(m["Body"]) for m in messages] == [{"i": 1}]
    assert messages[0]["Attributes"]["MessageGroupId"] == "g1"


def test_event_forwarded_to_another_bus(events, sqs):
    url, arn = new_queue(sqs)
    bus = f"bus-{uuid.uuid4().hex[:8]}"
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    source = f"app.{uuid.uuid4().hex[:8]}"
    rule_to(events, {"Id": "q", "Arn": arn}, {"source": [source]}, bus=bus)
    rule_to(events, {"Id": "b", "Arn": bus_arn}, {"source": [source]})
    events.put_events(Entries=[{"Source": source, "DetailType": "t", "Detail": "{}"}])
    assert json.loads(receive(sqs, url)[0]["Body"])["source"] == source


def test_event_reaches_log_group(events, client_factory):
    logs = client_factory("logs")
    group = f"/aws/events/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    source = f"app.{uuid.uuid4().hex[:8]}"
    arn = f"arn:aws:logs:us-east-1:000000000000:log-group:{group}"
    rule_to(events, {"Id": "l", "Arn": arn}, {"source": [source]})
    events.put_events(
        Entries=[{"Source": source, "DetailType": "t", "Detail": json.dumps({"a": 1})}]
    )
    deadline, found = time.time() + 15, []
    while not found and time.time() < deadline:
        found = logs.filter_log_events(logGroupName=group).get("events", [])
        time.sleep(0.1)
    assert json.loads(found[0]["message"])["detail"] == {"a": 1}


def test_event_invokes_lambda_that_writes_to_s3(events, client_factory, s3, bucket):
    lam = client_factory("lambda", read_timeout=120)
    code = (
        "import boto3, json\n"
        "def handler(event, context):\n"
        "    boto3.client('s3').put_object(Bucket=event['detail']['bucket'], Key=event['id'],\n"
        "                                  Body=json.dumps(event).encode())\n"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    fn = f"fn-{uuid.uuid4().hex[:10]}"
    fn_arn = lam.create_function(
        FunctionName=fn,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": buf.getvalue()},
    )["FunctionArn"]
    try:
        source = f"app.{uuid.uuid4().hex[:8]}"
        rule = rule_to(events, {"Id": "fn", "Arn": fn_arn}, {"source": [source]})
        rule_arn = events.describe_rule(Name=rule)["Arn"]
        lam.add_permission(
            FunctionName=fn,
            StatementId="events",
            Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com",
            SourceArn=rule_arn,
        )
        out = events.put_events(
            Entries=[
                {"Source": source, "DetailType": "t", "Detail": json.dumps({"bucket": bucket})}
            ]
        )
        event_id = out["Entries"][0]["EventId"]
        deadline, keys = time.time() + 30, []
        while event_id not in keys and time.time() < deadline:
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
            time.sleep(0.1)
        body = json.loads(s3.get_object(Bucket=bucket, Key=event_id)["Body"].read())
        assert body["source"] == source and body["detail"] == {"bucket": bucket}
    finally:
        lam.delete_function(FunctionName=fn)


def test_lambda_without_permission_goes_to_dead_letter_queue(events, sqs):
    dlq_url, dlq_arn = new_queue(sqs)
    source = f"app.{uuid.uuid4().hex[:8]}"
    target = {
        "Id": "fn",
        "Arn": "arn:aws:lambda:us-east-1:000000000000:function:does-not-exist",
        "DeadLetterConfig": {"Arn": dlq_arn},
        "RetryPolicy": {"MaximumRetryAttempts": 0},
    }
    rule_to(events, target, {"source": [source]})
    out = events.put_events(Entries=[{"Source": source, "DetailType": "t", "Detail": "{}"}])
    messages = receive(sqs, dlq_url, MessageAttributeNames=["All"])
    assert json.loads(messages[0]["Body"])["id"] == out["Entries"][0]["EventId"]
    assert messages[0]["MessageAttributes"]["TARGET_ARN"]["StringValue"] == target["Arn"]


TRANSFORMS = [
    (  # placeholders outside quotes are JSON values
        {"i": "$.detail.instance", "n": "$.detail.count"},
        '{"instance": <i>, "count": <n>}',
        {"instance": "i-123", "count": 3},
    ),
    (  # inside quotes they are raw text
        {"i": "$.detail.instance", "s": "$.detail.state"},
        '{"message": "<i> is <s>"}',
        {"message": "i-123 is running"},
    ),
    (  # objects outside quotes stay objects
        {"d": "$.detail.nested"},
        '{"nested": <d>}',
        {"nested": {"a": [1, 2]}},
    ),
    (  # predefined variables
        {},
        '{"rule": "<aws.events.rule-name>", "source": <aws.events.event>}',
        None,
    ),
]


@pytest.mark.parametrize("paths,template,expected", TRANSFORMS)
def test_input_transformer(events, sqs, paths, template, expected):
    url, arn = new_queue(sqs)
    source = f"app.{uuid.uuid4().hex[:8]}"
    target = {
        "Id": "t",
        "Arn": arn,
        "InputTransformer": {"InputPathsMap": paths, "InputTemplate": template},
    }
    rule = rule_to(events, target, {"source": [source]})
    detail = {"instance": "i-123", "state": "running", "count": 3, "nested": {"a": [1, 2]}}
    events.put_events(Entries=[{"Source": source, "DetailType": "t", "Detail": json.dumps(detail)}])
    body = json.loads(receive(sqs, url)[0]["Body"])
    if expected is None:
        assert body["rule"] == rule and body["source"]["detail"] == detail
    else:
        assert body == expected


def test_plain_text_template_and_constant_input(events, sqs):
    url, arn = new_queue(sqs)
    source = f"app.{uuid.uuid4().hex[:8]}"
    transformer = {"InputPathsMap": {"s": "$.detail.state"}, "InputTemplate": "State is <s>"}
    rule_to(events, {"Id": "t", "Arn": arn, "InputTransformer": transformer}, {"source": [source]})
    url2, arn2 = new_queue(sqs)
    rule_to(events, {"Id": "c", "Arn": arn2, "Input": '{"fixed": true}'}, {"source": [source]})
    events.put_events(Entries=[{"Source": source, "DetailType": "t", "Detail": '{"state": "ok"}'}])
    assert receive(sqs, url)[0]["Body"] == "State is ok"
    assert json.loads(receive(sqs, url2)[0]["Body"]) == {"fixed": True}
