"""FIFO queues: group order with one batch in flight per group, deduplication, sequence numbers."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def test_group_order_and_one_in_flight_per_group(sqs, fifo_queue):
    for i in range(3):
        for group in ("a", "b"):
            sqs.send_message(
                QueueUrl=fifo_queue,
                MessageBody=f"{group}{i}",
                MessageGroupId=group,
                MessageDeduplicationId=f"{group}{i}",
            )
    first = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=1, AttributeNames=["All"])[
        "Messages"
    ]
    assert [m["Body"] for m in first] == ["a0"]
    assert first[0]["Attributes"]["MessageGroupId"] == "a"
    assert first[0]["Attributes"]["MessageDeduplicationId"] == "a0"
    # group a is blocked while a0 is in flight; b flows in order
    nxt = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in nxt] == ["b0", "b1", "b2"]
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo_queue)
    sqs.delete_message(QueueUrl=fifo_queue, ReceiptHandle=first[0]["ReceiptHandle"])
    rest = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in rest] == ["a1", "a2"]


def test_deduplication_window(sqs, strato, fifo_queue):
    one = sqs.send_message(
        QueueUrl=fifo_queue, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d1"
    )
    two = sqs.send_message(
        QueueUrl=fifo_queue, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d1"
    )
    assert one["MessageId"] == two["MessageId"]
    assert int(one["SequenceNumber"]) > 0 and len(one["SequenceNumber"]) == 20
    strato.advance_clock(301)
    three = sqs.send_message(
        QueueUrl=fifo_queue, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d1"
    )
    assert three["MessageId"] != one["MessageId"]
    assert int(three["SequenceNumber"]) > int(one["SequenceNumber"])
    msgs = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["MessageId"] for m in msgs] == [one["MessageId"], three["MessageId"]]


def test_content_based_deduplication_and_validation(sqs, fifo_queue):
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=fifo_queue, MessageBody="x", MessageGroupId="g")
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=fifo_queue, MessageBody="x", MessageDeduplicationId="d")
    assert err.value.response["Error"]["Code"] == "MissingParameter"
    with pytest.raises(ClientError) as err:
        sqs.send_message(
            QueueUrl=fifo_queue,
            MessageBody="x",
            MessageGroupId="g",
            MessageDeduplicationId="d",
            DelaySeconds=5,
        )
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    sqs.set_queue_attributes(QueueUrl=fifo_queue, Attributes={"ContentBasedDeduplication": "true"})
    a = sqs.send_message(QueueUrl=fifo_queue, MessageBody="same", MessageGroupId="g")
    b = sqs.send_message(QueueUrl=fifo_queue, MessageBody="same", MessageGroupId="g")
    c = sqs.send_message(QueueUrl=fifo_queue, MessageBody="other", MessageGroupId="g")
    assert a["MessageId"] == b["MessageId"] != c["MessageId"]
    batch = sqs.send_message_batch(
        QueueUrl=fifo_queue,
        Entries=[{"Id": str(i), "MessageBody": f"b{i}", "MessageGroupId": "h"} for i in range(3)],
    )
    seqs = [int(e["SequenceNumber"]) for e in batch["Successful"]]
    assert seqs == sorted(seqs)
    got = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["same", "other", "b0", "b1", "b2"]
