"""The AWS CLI against SNS: create a topic, subscribe a queue, publish, list."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import allow_topic, receive, unique

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="AWS CLI not installed")


def test_cli_publish_reaches_a_queue(aws, sqs):
    topic = json.loads(aws("sns", "create-topic", "--name", unique()).stdout)["TopicArn"]
    url = sqs.create_queue(QueueName=unique("cli"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow_topic(topic, arn)})
    aws(
        "sns",
        "subscribe",
        "--topic-arn",
        topic,
        "--protocol",
        "sqs",
        "--notification-endpoint",
        arn,
    )
    out = json.loads(
        aws(
            "sns",
            "publish",
            "--topic-arn",
            topic,
            "--message",
            "from the cli",
            "--message-attributes",
            '{"k": {"DataType": "String", "StringValue": "v"}}',
        ).stdout
    )
    [msg] = receive(sqs, url)
    doc = json.loads(msg["Body"])
    assert doc["MessageId"] == out["MessageId"] and doc["Message"] == "from the cli"
    listed = json.loads(aws("sns", "list-subscriptions-by-topic", "--topic-arn", topic).stdout)
    assert [s["Endpoint"] for s in listed["Subscriptions"]] == [arn]
