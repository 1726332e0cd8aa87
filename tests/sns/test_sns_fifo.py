"""FIFO topics -> FIFO queues: group order, sequence numbers and deduplication."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from conftest import receive


def test_fifo_order_and_dedup(sns, sqs, topic_queue):
    topic, url, _ = topic_queue(fifo=True, RawMessageDelivery="true")
    seqs = []
    for i in range(10):
        out = sns.publish(
            TopicArn=topic, Message=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}"
        )
        seqs.append(int(out["SequenceNumber"]))
    again = sns.publish(
        TopicArn=topic, Message="m0 again", MessageGroupId="g", MessageDeduplicationId="d0"
    )
    assert seqs == sorted(seqs) and len(set(seqs)) == 10
    assert int(again["SequenceNumber"]) == seqs[0]
    msgs = receive(sqs, url, want=10)
    assert [m["Body"] for m in msgs] == [f"m{i}" for i in range(10)]
    assert {m["Attributes"]["MessageGroupId"] for m in msgs} == {"g"}


def test_content_based_dedup_and_required_ids(sns, sqs, topic_queue):
    topic, url, _ = topic_queue(fifo=True, topic_attrs={"ContentBasedDeduplication": "true"})
    first = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    second = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    assert first["MessageId"] == second["MessageId"]
    msgs = receive(sqs, url, want=2, wait=1)
    assert [json.loads(m["Body"])["Message"] for m in msgs] == ["same"]
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x")
    assert "MessageGroupId" in e.value.response["Error"]["Message"]


def test_fifo_topic_without_content_dedup_needs_an_id(sns, topic_queue):
    topic, _, _ = topic_queue(fifo=True)
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageGroupId="g")
    assert e.value.response["Error"]["Code"] == "InvalidParameter"


def test_standard_topic_rejects_dedup_id(sns, topic_queue):
    topic, _, _ = topic_queue()
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageDeduplicationId="d")
    assert e.value.response["Error"]["Code"] == "InvalidParameter"
