"""Standard-queue messages through boto3: send/receive/delete, MD5s, visibility, long
polling, batches and dead-letter redrive."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid

import pytest
from botocore.exceptions import ClientError


def test_send_receive_delete_with_attributes(sqs, queue):
    sent = sqs.send_message(
        QueueUrl=queue,
        MessageBody="derp",
        MessageAttributes={"timestamp": {"StringValue": "1493147359900", "DataType": "Number"}},
    )
    # Digests pinned against AWS by moto's suite.
    assert sent["MD5OfMessageBody"] == "58fd9edd83341c29f1aebba81c31e257"
    assert sent["MD5OfMessageAttributes"] == "235c5c510d26fb653d073faed50ae77c"
    msgs = sqs.receive_message(
        QueueUrl=queue,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["All"],
    )["Messages"]
    assert len(msgs) == 1
    msg = msgs[0]
    assert msg["MessageId"] == sent["MessageId"] and msg["Body"] == "derp"
    assert msg["MD5OfBody"] == hashlib.md5(b"derp").hexdigest()
    assert msg["MD5OfMessageAttributes"] == "235c5c510d26fb653d073faed50ae77c"
    assert msg["MessageAttributes"]["timestamp"] == {
        "StringValue": "1493147359900",
        "DataType": "Number",
    }
    attrs = msg["Attributes"]
    assert attrs["ApproximateReceiveCount"] == "1"
    assert (
        abs(int(attrs["SentTimestamp"]) - time.time() * 1000) < 60_000 + 10**9
    )  # shared clock may be advanced
    assert int(attrs["ApproximateFirstReceiveTimestamp"]) >= int(attrs["SentTimestamp"])
    assert attrs["SenderId"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"])
    counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_message_attribute_name_selection(sqs, queue):
    sqs.send_message(
        QueueUrl=queue,
        MessageBody="x",
        MessageAttributes={
            "app.a": {"DataType": "String", "StringValue": "1"},
            "app.b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
            "other": {"DataType": "Number.int", "StringValue": "7"},
        },
    )
    msg = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["app.*"], VisibilityTimeout=0)[
        "Messages"
    ][0]
    assert set(msg["MessageAttributes"]) == {"app.a", "app.b"}
    assert msg["MessageAttributes"]["app.b"]["BinaryValue"] == b"\x00\xff"
    msg = sqs.receive_message(
        QueueUrl=queue, MessageAttributeNames=["other"], AttributeNames=["ApproximateReceiveCount"]
    )["Messages"][0]
    assert set(msg["MessageAttributes"]) == {"other"}
    assert msg["Attributes"] == {"ApproximateReceiveCount": "2"}
    assert msg["MD5OfMessageAttributes"] != hashlib.md5(b"").hexdigest()


def test_send_validation(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=queue, MessageBody="x" * (262_144 + 1))
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=queue, MessageBody="x", DelaySeconds=901)
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as err:
        sqs.send_message(
            QueueUrl=queue,
            MessageBody="x",
            MessageAttributes={"a": {"DataType": "Text", "StringValue": "1"}},
        )
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as err:
        sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=11)
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as err:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle="garbage")
    assert err.value.response["Error"]["Code"] == "ReceiptHandleIsInvalid"


def test_visibility_timeout_with_the_clock(sqs, strato, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="m")
    first = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    counts = sqs.get_queue_attributes(
        QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )
    assert counts["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"
    strato.advance_clock(31)
    again = sqs.receive_message(QueueUrl=queue, AttributeNames=["ApproximateReceiveCount"])[
        "Messages"
    ][0]
    assert again["MessageId"] == first["MessageId"]
    assert again["ReceiptHandle"] != first["ReceiptHandle"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    with pytest.raises(ClientError) as err:  # the first receipt is stale now
        sqs.change_message_visibility(
            QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=10
        )
    assert err.value.response["Error"]["Code"] == "AWS.SimpleQueueService.MessageNotInflight"
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=0
    )
    third = sqs.receive_message(QueueUrl=queue)["Messages"][0]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=third["ReceiptHandle"])
    strato.advance_clock(60)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_delay_seconds(sqs, strato, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="later", DelaySeconds=10)
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessagesDelayed"] == "1"
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    strato.advance_clock(11)
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "later"


def test_long_poll_wakes_on_send(sqs, client_factory, queue):
    sender = client_factory("sqs")
    sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0)  # warm the connection
    sent_at: list[float] = []

    def send():
        time.sleep(0.5)
        sent_at.append(time.monotonic())
        sender.send_message(QueueUrl=queue, MessageBody="wake")

    thread = threading.Thread(target=send)
    thread.start()
    started = time.monotonic()
    msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=10)["Messages"]
    done = time.monotonic()
    thread.join()
    assert msgs[0]["Body"] == "wake"
    assert done - started < 5
    assert done - sent_at[0] < 0.1, f"returned {done - sent_at[0]:.3f}s after the send"


def test_long_poll_times_out_empty(sqs, queue):
    started = time.monotonic()
    assert "Messages" not in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)
    assert 0.9 < time.monotonic() - started < 3


def test_batches(sqs, queue):
    result = sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[
            {"Id": "a", "MessageBody": "one"},
            {"Id": "b", "MessageBody": "two", "DelaySeconds": 0},
            {"Id": "c", "MessageBody": "three", "DelaySeconds": 9999},
        ],
    )
    assert sorted(e["Id"] for e in result["Successful"]) == ["a", "b"]
    assert result["Failed"][0]["Id"] == "c" and result["Failed"][0]["SenderFault"]
    assert result["Failed"][0]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(
            QueueUrl=queue,
            Entries=[{"Id": "x", "MessageBody": "1"}, {"Id": "x", "MessageBody": "2"}],
        )
    assert err.value.response["Error"]["Code"] == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(
            QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": "1"} for i in range(11)]
        )
    assert (
        err.value.response["Error"]["Code"] == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    )
    msgs = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in msgs) == ["one", "two"]
    vis = sqs.change_message_visibility_batch(
        QueueUrl=queue,
        Entries=[{"Id": "v", "ReceiptHandle": msgs[0]["ReceiptHandle"], "VisibilityTimeout": 100}],
    )
    assert [e["Id"] for e in vis["Successful"]] == ["v"]
    deleted = sqs.delete_message_batch(
        QueueUrl=queue,
        Entries=[{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
        + [{"Id": "bad", "ReceiptHandle": "nope"}],
    )
    assert sorted(e["Id"] for e in deleted["Successful"]) == ["d0", "d1"]
    assert (
        deleted["Failed"][0]["Id"] == "bad"
        and deleted["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    )


def test_dead_letter_redrive_and_move_back(sqs, strato):
    dlq = sqs.create_queue(QueueName=f"dlq-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    src = sqs.create_queue(
        QueueName=f"src-{uuid.uuid4().hex[:8]}",
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}),
            "VisibilityTimeout": "5",
        },
    )["QueueUrl"]
    src_arn = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sent = sqs.send_message(QueueUrl=src, MessageBody="poison")
    for _ in range(2):
        assert sqs.receive_message(QueueUrl=src)["Messages"][0]["MessageId"] == sent["MessageId"]
        strato.advance_clock(6)
    assert "Messages" not in sqs.receive_message(QueueUrl=src)
    dead = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"], VisibilityTimeout=0)[
        "Messages"
    ][0]
    assert dead["MessageId"] == sent["MessageId"] and dead["Body"] == "poison"
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == src_arn

    handle = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert tasks[0]["TaskHandle"] == handle and tasks[0]["Status"] == "COMPLETED"
    assert tasks[0]["ApproximateNumberOfMessagesMoved"] == 1
    back = sqs.receive_message(QueueUrl=src)["Messages"][0]
    assert back["Body"] == "poison"
    with pytest.raises(ClientError):
        sqs.cancel_message_move_task(TaskHandle=handle)
