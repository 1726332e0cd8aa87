"""Messages survive a restart; an unacknowledged message comes back after its visibility
timeout, also across a restart (a private server, killed and started on the same state)."""

from __future__ import annotations

import boto3
from botocore.config import Config

from strato_server import StratoProcess


def _client(server: StratoProcess):
    return boto3.client(
        "sqs",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_messages_and_visibility_survive_restart(tmp_path):
    server = StratoProcess(str(tmp_path / "state")).start()
    try:
        sqs = _client(server)
        url = sqs.create_queue(QueueName="durable", Attributes={"VisibilityTimeout": "2"})[
            "QueueUrl"
        ]
        fifo = sqs.create_queue(
            QueueName="durable.fifo",
            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        )["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="kept")
        sqs.send_message(QueueUrl=url, MessageBody="in flight")
        for body in ("f1", "f2"):
            sqs.send_message(QueueUrl=fifo, MessageBody=body, MessageGroupId="g")
        taken = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]
        server.kill()
        server.start()
        sqs = _client(server)
        bodies = {
            m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        }
        assert bodies == {"kept", "in flight"} - {taken["Body"]}
        server.advance_clock(3)
        back = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"]
        )["Messages"]
        assert taken["Body"] in {m["Body"] for m in back}
        assert {
            m["Attributes"]["ApproximateReceiveCount"] for m in back if m["Body"] == taken["Body"]
        } == {"2"}
        got = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]
        assert [m["Body"] for m in got] == ["f1", "f2"]
        dup = sqs.send_message(QueueUrl=fifo, MessageBody="f1", MessageGroupId="g")
        assert dup["MessageId"] == got[0]["MessageId"]  # the dedup window survived too
    finally:
        server.stop()


def test_fifo_hold_and_receive_state_survive_a_kill(tmp_path):
    server = StratoProcess(str(tmp_path / "state")).start()
    try:
        sqs = _client(server)
        fifo = sqs.create_queue(
            QueueName="held.fifo",
            Attributes={
                "FifoQueue": "true",
                "ContentBasedDeduplication": "true",
                "VisibilityTimeout": "5",
            },
        )["QueueUrl"]
        for body, group in (("a0", "a"), ("a1", "a"), ("b0", "b")):
            sqs.send_message(QueueUrl=fifo, MessageBody=body, MessageGroupId=group)
        [held] = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=1)["Messages"]
        assert held["Body"] == "a0"
        server.kill()
        server.start()
        sqs = _client(server)
        # group a is still held by a0; b flows
        got = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]
        assert [m["Body"] for m in got] == ["b0"]
        sqs.delete_message(QueueUrl=fifo, ReceiptHandle=got[0]["ReceiptHandle"])
        server.advance_clock(6)
        back = sqs.receive_message(
            QueueUrl=fifo, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"]
        )["Messages"]
        assert [m["Body"] for m in back] == ["a0", "a1"]
        assert [m["Attributes"]["ApproximateReceiveCount"] for m in back] == ["2", "1"]
        # the receipt handles given after the restart work for a visibility change and a delete
        sqs.change_message_visibility(
            QueueUrl=fifo, ReceiptHandle=back[0]["ReceiptHandle"], VisibilityTimeout=60
        )
        result = sqs.delete_message_batch(
            QueueUrl=fifo,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(back)
            ],
        )
        assert len(result["Successful"]) == 2
        server.kill()
        server.start()
        sqs = _client(server)
        server.advance_clock(120)
        assert "Messages" not in sqs.receive_message(QueueUrl=fifo)
    finally:
        server.stop()
