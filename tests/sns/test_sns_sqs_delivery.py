"""Publish -> SQS: the notification envelope, raw delivery, filter policies, queue policy, DLQ."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from conftest import allow_topic, receive, unique


def test_envelope_delivery(sns, sqs, topic_queue):
    topic, url, sub = topic_queue()
    out = sns.publish(
        TopicArn=topic,
        Message="hello",
        Subject="greeting",
        MessageAttributes={
            "color": {"DataType": "String", "StringValue": "red"},
            "n": {"DataType": "Number", "StringValue": "5"},
        },
    )
    [msg] = receive(sqs, url)
    doc = json.loads(msg["Body"])
    assert doc["Type"] == "Notification"
    assert doc["MessageId"] == out["MessageId"]
    assert doc["TopicArn"] == topic
    assert doc["Subject"] == "greeting"
    assert doc["Message"] == "hello"
    assert doc["Timestamp"].endswith("Z")
    assert doc["SignatureVersion"] == "1" and doc["Signature"] and doc["SigningCertURL"]
    assert sub in doc["UnsubscribeURL"]
    assert doc["MessageAttributes"] == {
        "color": {"Type": "String", "Value": "red"},
        "n": {"Type": "Number", "Value": "5"},
    }


def test_raw_delivery_keeps_attributes(sns, sqs, topic_queue):
    topic, url, _ = topic_queue(RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic,
        Message="raw body",
        MessageAttributes={"color": {"DataType": "String", "StringValue": "blue"}},
    )
    [msg] = receive(sqs, url)
    assert msg["Body"] == "raw body"
    assert msg["MessageAttributes"]["color"]["StringValue"] == "blue"


def test_message_structure_json_picks_the_sqs_message(sns, sqs, topic_queue):
    topic, url, _ = topic_queue(RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic,
        MessageStructure="json",
        Message=json.dumps({"default": "for everyone", "sqs": "for queues"}),
    )
    assert [m["Body"] for m in receive(sqs, url)] == ["for queues"]
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"sqs": "x"}))
    assert e.value.response["Error"]["Code"] == "InvalidParameter"


def test_filter_policy_on_attributes(sns, sqs, topic_queue):
    policy = {
        "color": ["red", {"prefix": "gr"}],
        "size": [{"numeric": [">", 10, "<=", 20]}],
        "tag": [{"exists": False}],
    }
    topic, url, _ = topic_queue(RawMessageDelivery="true", FilterPolicy=json.dumps(policy))

    def publish(body, **attrs):
        sns.publish(
            TopicArn=topic,
            Message=body,
            MessageAttributes={
                k: {"DataType": "Number" if isinstance(v, int) else "String", "StringValue": str(v)}
                for k, v in attrs.items()
            },
        )

    publish("match-red", color="red", size=15)
    publish("match-green", color="green", size=20)
    publish("no-size", color="red")
    publish("too-big", color="red", size=21)
    publish("wrong-color", color="blue", size=15)
    publish("has-tag", color="red", size=15, tag="x")
    publish("last", color="grey", size=11)
    bodies = [m["Body"] for m in receive(sqs, url, want=3)]
    assert bodies == ["match-red", "match-green", "last"]


def test_filter_policy_on_body(sns, sqs, topic_queue):
    policy = {"order": {"status": [{"anything-but": ["cancelled"]}]}, "region": [{"suffix": "-1"}]}
    topic, url, _ = topic_queue(
        RawMessageDelivery="true",
        FilterPolicy=json.dumps(policy),
        FilterPolicyScope="MessageBody",
    )
    for doc in [
        {"order": {"status": "placed"}, "region": "eu-west-1"},
        {"order": {"status": "cancelled"}, "region": "eu-west-1"},
        {"order": {"status": "placed"}, "region": "eu-west-2"},
    ]:
        sns.publish(TopicArn=topic, Message=json.dumps(doc))
    sns.publish(TopicArn=topic, Message="not json")
    bodies = [json.loads(m["Body"]) for m in receive(sqs, url, want=1)]
    assert bodies == [{"order": {"status": "placed"}, "region": "eu-west-1"}]


def test_queue_policy_is_required(sns, sqs, topic_queue):
    topic, url, _ = topic_queue(policy=False)
    sns.publish(TopicArn=topic, Message="denied")
    assert receive(sqs, url, wait=1) == []
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    other_topic = "arn:aws:sns:us-east-1:000000000000:someone-else"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow_topic(other_topic, arn)})
    sns.publish(TopicArn=topic, Message="wrong source")
    assert receive(sqs, url, wait=1) == []
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow_topic(topic, arn)})
    sns.publish(TopicArn=topic, Message="allowed")
    assert [json.loads(m["Body"])["Message"] for m in receive(sqs, url)] == ["allowed"]


def test_failed_delivery_goes_to_the_redrive_dlq(sns, sqs, topic_queue):
    topic, dlq_url, _ = topic_queue()  # the DLQ allows this topic
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.unsubscribe(SubscriptionArn=_sub_of(sns, topic))
    missing = f"arn:aws:sqs:us-east-1:000000000000:{unique('gone')}"
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=missing,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})},
    )
    sns.publish(TopicArn=topic, Message="undeliverable")
    [msg] = receive(sqs, dlq_url)
    assert json.loads(msg["Body"])["Message"] == "undeliverable"
    assert msg["MessageAttributes"]["ErrorCode"]["StringValue"] == "QueueDoesNotExist"


def test_publish_batch(sns, sqs, topic_queue):
    topic, url, _ = topic_queue(RawMessageDelivery="true")
    out = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "a", "Message": "one"},
            {"Id": "b", "Message": "two"},
            {"Id": "c", "Message": ""},
        ],
    )
    assert sorted(s["Id"] for s in out["Successful"]) == ["a", "b"]
    assert [f["Id"] for f in out["Failed"]] == ["c"]
    assert sorted(m["Body"] for m in receive(sqs, url, want=2)) == ["one", "two"]
    with pytest.raises(ClientError) as e:
        sns.publish_batch(
            TopicArn=topic,
            PublishBatchRequestEntries=[{"Id": "a", "Message": "x"}, {"Id": "a", "Message": "y"}],
        )
    assert e.value.response["Error"]["Code"] == "BatchEntryIdsNotDistinct"


def _sub_of(sns, topic: str) -> str:
    return sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"]


def test_binary_attributes(sns, sqs, topic_queue):
    topic, url, _ = topic_queue(RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic,
        Message="bin",
        MessageAttributes={"blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01raw"}},
    )
    [msg] = receive(sqs, url)
    assert msg["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01raw"


def test_bad_message_attributes_are_rejected(sns, topic_queue):
    topic, _, _ = topic_queue()
    for attr in (
        {"DataType": "Number", "StringValue": "abc"},
        {"DataType": "Weird", "StringValue": "x"},
        {"DataType": "String.Array", "StringValue": "not a list"},
    ):
        with pytest.raises(ClientError) as e:
            sns.publish(TopicArn=topic, Message="x", MessageAttributes={"a": attr})
        assert e.value.response["Error"]["Code"] == "ParameterValueInvalid"
