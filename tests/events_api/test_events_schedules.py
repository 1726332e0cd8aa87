"""Schedule expressions: parsing (table-driven) and a rate rule firing on the advanced clock."""

from __future__ import annotations

import datetime as dt
import json
import time

import boto3
import pytest

from strato.services.events.schedules import InvalidSchedule, parse_schedule, validate_schedule
from strato_server import StratoProcess

START = dt.datetime(2024, 1, 1, 0, 0, tzinfo=dt.UTC).timestamp()  # a Monday


def at(*parts: int) -> float:
    return dt.datetime(*parts, tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize(
    "expression,after,expected",
    [
        ("rate(1 minute)", START, START + 60),
        ("rate(5 minutes)", START, START + 300),
        ("rate(2 hours)", START, START + 7200),
        ("rate(1 day)", START, START + 86400),
        ("cron(0 12 * * ? *)", START, at(2024, 1, 1, 12, 0)),
        ("cron(15 10 ? * 6L 2024)", START, at(2024, 1, 26, 10, 15)),  # last Friday
        ("cron(0/15 8-17 ? * MON-FRI *)", at(2024, 1, 6, 9, 0), at(2024, 1, 8, 8, 0)),
        ("cron(0 8 1W * ? *)", at(2022, 1, 1), at(2022, 1, 3, 8, 0)),  # Jan 1 2022: Saturday
        ("cron(0 0 ? * 2#1 *)", at(2024, 1, 2), at(2024, 2, 5, 0, 0)),  # first Monday
        ("cron(0 0 L FEB ? 2024)", START, at(2024, 2, 29, 0, 0)),
        ("cron(30 6 ? * SUN,SAT *)", START, at(2024, 1, 6, 6, 30)),
    ],
)
def test_next_firing(expression, after, expected):
    assert parse_schedule(expression).next_after(after) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "rate(1 minutes)",
        "rate(2 minute)",
        "rate(0 minutes)",
        "rate(-1 minutes)",
        "rate(1 week)",
        "cron(0 12 * * * *)",  # both day fields set
        "cron(0 12 ? * ? *)",  # neither
        "cron(0 12 * *)",
        "cron(60 12 * * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 1 ? * FUNDAY *)",
        "cron(0 1 ? * 2#x *)",
        "cron(0 1 32 * ? *)",
        "at(2024-01-01T00:00:00)",
    ],
)
def test_invalid_expressions(expression):
    with pytest.raises(InvalidSchedule):
        validate_schedule(expression)


@pytest.fixture(scope="module")
def private_server(tmp_path_factory):
    server = StratoProcess(str(tmp_path_factory.mktemp("events-clock") / "state")).start()
    yield server
    server.stop()


def clients(server) -> tuple:
    kwargs = dict(
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    return boto3.client("events", **kwargs), boto3.client("sqs", **kwargs)


def test_failed_delivery_is_retried_on_the_clock_then_dead_lettered(private_server):
    events, sqs = clients(private_server)
    dlq = sqs.create_queue(QueueName="dead-letters")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    missing = dlq_arn.replace("dead-letters", "created-later")
    events.put_rule(Name="retrying", EventPattern=json.dumps({"source": ["retry.app"]}))
    target = {
        "Id": "q",
        "Arn": missing,
        "RetryPolicy": {"MaximumRetryAttempts": 2},
        "DeadLetterConfig": {"Arn": dlq_arn},
    }
    events.put_targets(Rule="retrying", Targets=[target])
    events.put_events(Entries=[{"Source": "retry.app", "DetailType": "t", "Detail": '{"n": 1}'}])
    time.sleep(1)
    assert sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=0).get("Messages", []) == []
    private_server.advance_clock(1.5)  # first retry after 1 s: the queue exists by now
    url = sqs.create_queue(QueueName="created-later")["QueueUrl"]
    private_server.advance_clock(1.5)
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages", [])
    assert [json.loads(m["Body"])["detail"] for m in got] == [{"n": 1}]

    sqs.delete_queue(QueueUrl=url)
    events.put_events(Entries=[{"Source": "retry.app", "DetailType": "t", "Detail": '{"n": 2}'}])
    for _ in range(4):
        time.sleep(0.3)
        private_server.advance_clock(5)
    dead = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=10, MessageAttributeNames=["All"])
    message = dead["Messages"][0]
    assert json.loads(message["Body"])["detail"] == {"n": 2}
    assert message["MessageAttributes"]["TARGET_ARN"]["StringValue"] == missing


def test_rate_rule_fires_after_clock_advance(private_server):
    events, sqs = clients(private_server)
    url = sqs.create_queue(QueueName="ticks")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    rule_arn = events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")["RuleArn"]
    events.put_targets(Rule="every-minute", Targets=[{"Id": "q", "Arn": arn}])
    time.sleep(1.5)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []) == []
    private_server.advance_clock(61)
    messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages", [])
    assert len(messages) == 1
    event = json.loads(messages[0]["Body"])
    assert event["source"] == "aws.events" and event["detail-type"] == "Scheduled Event"
    assert event["resources"] == [rule_arn] and event["detail"] == {}
    sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    events.disable_rule(Name="every-minute")
    private_server.advance_clock(120)
    time.sleep(1.5)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []) == []
