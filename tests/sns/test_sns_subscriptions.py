"""Subscriptions through boto3: subscribe, attributes, listing, pending confirmation, unsubscribe."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from conftest import unique

QUEUE = "arn:aws:sqs:us-east-1:000000000000:some-queue"


def test_subscribe_attributes_and_idempotence(sns):
    topic = sns.create_topic(Name=unique())["TopicArn"]
    policy = json.dumps({"color": ["red"]})
    sub = sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=QUEUE,
        Attributes={"FilterPolicy": policy, "RawMessageDelivery": "true"},
    )["SubscriptionArn"]
    assert sub.startswith(topic + ":")
    again = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]
    assert again == sub
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["FilterPolicy"] == policy
    assert attrs["FilterPolicyScope"] == "MessageAttributes"
    assert attrs["RawMessageDelivery"] == "true"
    assert attrs["PendingConfirmation"] == "false"
    assert attrs["Endpoint"] == QUEUE
    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="FilterPolicyScope", AttributeValue="MessageBody"
    )
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["FilterPolicyScope"] == "MessageBody"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed == [
        {
            "SubscriptionArn": sub,
            "Owner": "000000000000",
            "Protocol": "sqs",
            "Endpoint": QUEUE,
            "TopicArn": topic,
        }
    ]
    assert sub in {s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]}
    sns.unsubscribe(SubscriptionArn=sub)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    with pytest.raises(ClientError) as e:
        sns.get_subscription_attributes(SubscriptionArn=sub)
    assert e.value.response["Error"]["Code"] == "NotFound"


def test_email_is_pending_until_confirmed(sns):
    topic = sns.create_topic(Name=unique())["TopicArn"]
    out = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="someone@example.com")
    assert out["SubscriptionArn"] == "pending confirmation"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed[0]["SubscriptionArn"] == "PendingConfirmation"
    attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attrs["SubscriptionsPending"] == "1"
    with pytest.raises(ClientError) as e:
        sns.confirm_subscription(TopicArn=topic, Token="not-a-token")
    assert e.value.response["Error"]["Code"] == "InvalidParameter"


@pytest.mark.parametrize(
    "attributes",
    [
        {"FilterPolicy": "not json"},
        {"FilterPolicy": json.dumps({"a": [{"numeric": [">", "x"]}]})},
        {"FilterPolicy": json.dumps({"a": [{"bogus": 1}]})},
        {"FilterPolicyScope": "Headers"},
        {"RawMessageDelivery": "maybe"},
        {"RedrivePolicy": "{}"},
        {"Unknown": "x"},
    ],
)
def test_bad_subscription_attributes_are_rejected(sns, attributes):
    topic = sns.create_topic(Name="bad-attrs")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE, Attributes=attributes)
    assert e.value.response["Error"]["Code"] == "InvalidParameter"


def test_bad_protocol_and_fifo_topic_protocols(sns):
    topic = sns.create_topic(Name=unique())["TopicArn"]
    with pytest.raises(ClientError):
        sns.subscribe(TopicArn=topic, Protocol="carrier-pigeon", Endpoint="x")
    with pytest.raises(ClientError):
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="ftp://example.com")
    fifo = sns.create_topic(Name=unique() + ".fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    with pytest.raises(ClientError):
        sns.subscribe(TopicArn=fifo, Protocol="email", Endpoint="a@example.com")
