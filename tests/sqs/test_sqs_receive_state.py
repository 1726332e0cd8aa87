"""What a receive leaves behind: receive counts, receipt handles and FIFO group holds, as
later receives, deletes, visibility changes and move tasks see them."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from strato.auth import RequestContext
from strato.config import Settings
from strato.platform import Platform
from strato.protocol import ServiceError
from strato.services.sqs import SqsProvider


def unique(prefix: str = "q") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _arn(sqs, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]


def _forged(handle: str) -> str:
    """The same receipt handle with its message part replaced by something no send made."""
    parts = json.loads(base64.urlsafe_b64decode(handle))
    parts[3] = parts[3][:8] + "\u0000zz"
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


def _counts(sqs, url: str) -> tuple[int, int]:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (
        int(attrs["ApproximateNumberOfMessages"]),
        int(attrs["ApproximateNumberOfMessagesNotVisible"]),
    )


def test_receive_count_grows_with_each_receive(sqs, strato, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="again")
    firsts = set()
    for expected in ("1", "2", "3"):
        [m] = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=5, AttributeNames=["All"])[
            "Messages"
        ]
        assert m["Attributes"]["ApproximateReceiveCount"] == expected
        assert m["Body"] == "again"
        firsts.add(m["Attributes"]["ApproximateFirstReceiveTimestamp"])
        strato.advance_clock(6)
    assert len(firsts) == 1  # the first receive's time, whichever receive reports it


def test_delete_batch_reports_each_entry(sqs, queue):
    other = sqs.create_queue(QueueName=unique())["QueueUrl"]
    sqs.send_message(QueueUrl=other, MessageBody="elsewhere")
    foreign = sqs.receive_message(QueueUrl=other)["Messages"][0]["ReceiptHandle"]
    sqs.send_message_batch(
        QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(3)]
    )
    msgs = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert len(msgs) == 3
    result = sqs.delete_message_batch(
        QueueUrl=queue,
        Entries=[{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
        + [
            {"Id": "again", "ReceiptHandle": msgs[0]["ReceiptHandle"]},
            {"Id": "garbage", "ReceiptHandle": "not-a-handle"},
            {"Id": "foreign", "ReceiptHandle": foreign},
            {"Id": "forged", "ReceiptHandle": _forged(msgs[0]["ReceiptHandle"])},
        ],
    )
    assert sorted(e["Id"] for e in result["Successful"]) == ["again", "d0", "d1", "d2"]
    failed = {e["Id"]: e for e in result["Failed"]}
    assert set(failed) == {"garbage", "foreign", "forged"}
    assert {e["Code"] for e in failed.values()} == {"ReceiptHandleIsInvalid"}
    assert all(e["SenderFault"] for e in failed.values())
    assert _counts(sqs, queue) == (0, 0)
    assert _counts(sqs, other) == (0, 1)  # the other queue's message was not touched


def test_change_visibility_then_delete_with_the_same_handle(sqs, strato, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="slow")
    [m] = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=5)["Messages"]
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=60
    )
    strato.advance_clock(10)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    assert _counts(sqs, queue) == (0, 0)
    strato.advance_clock(61)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_retention_drops_old_messages_on_receive(sqs, strato):
    url = sqs.create_queue(QueueName=unique(), Attributes={"MessageRetentionPeriod": "60"})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    [m] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=1)["Messages"]
    strato.advance_clock(30)
    sqs.send_message(QueueUrl=url, MessageBody="young")
    strato.advance_clock(31)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [g["Body"] for g in got] == ["young"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])  # gone: still success
    assert _counts(sqs, url) == (0, 1)


def test_move_task_leaves_messages_in_flight(sqs):
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    target = sqs.create_queue(QueueName=unique("target"))["QueueUrl"]
    sqs.send_message(QueueUrl=dlq, MessageBody="busy")
    [busy] = sqs.receive_message(QueueUrl=dlq, VisibilityTimeout=60)["Messages"]
    sqs.send_message(QueueUrl=dlq, MessageBody="idle")
    sqs.start_message_move_task(SourceArn=_arn(sqs, dlq), DestinationArn=_arn(sqs, target))
    moved = sqs.receive_message(QueueUrl=target, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in moved] == ["idle"]
    assert _counts(sqs, dlq) == (0, 1)
    sqs.delete_message(QueueUrl=dlq, ReceiptHandle=busy["ReceiptHandle"])
    assert _counts(sqs, dlq) == (0, 0)


def test_fifo_dead_letter_after_max_receives(sqs, strato):
    dlq = sqs.create_queue(QueueName=unique("dlq") + ".fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    src = sqs.create_queue(
        QueueName=unique("src") + ".fifo",
        Attributes={
            "FifoQueue": "true",
            "ContentBasedDeduplication": "true",
            "VisibilityTimeout": "5",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 1}
            ),
        },
    )["QueueUrl"]
    for body in ("poison", "next"):
        sqs.send_message(QueueUrl=src, MessageBody=body, MessageGroupId="g")
    [first] = sqs.receive_message(QueueUrl=src)["Messages"]
    assert first["Body"] == "poison"
    strato.advance_clock(6)
    # poison reached its maxReceiveCount: it moves to the DLQ and the group goes on
    got = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["next"]
    dead = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in dead] == ["poison"]
    assert dead[0]["Attributes"]["MessageGroupId"] == "g"


def test_fifo_gives_each_consumer_its_own_groups(sqs, fifo_queue):
    entries = [
        {
            "Id": f"{g}{i}",
            "MessageBody": f"{g}{i}",
            "MessageGroupId": g,
            "MessageDeduplicationId": f"{g}{i}",
        }
        for i in range(4)
        for g in "abc"
    ]
    sqs.send_message_batch(QueueUrl=fifo_queue, Entries=entries[:10])
    sqs.send_message_batch(QueueUrl=fifo_queue, Entries=entries[10:])
    bodies = []
    for _ in range(3):  # three consumers, none deleting yet
        got = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=4)["Messages"]
        bodies.append([m["Body"] for m in got])
    # a batch holds one group, in send order, and a held group goes to no one else
    assert bodies == [[f"{g}{i}" for i in range(4)] for g in "abc"]
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo_queue)


def test_fifo_group_stays_held_until_the_whole_batch_is_done(sqs, strato, fifo_queue):
    for i in range(4):
        sqs.send_message(
            QueueUrl=fifo_queue,
            MessageBody=f"g{i}",
            MessageGroupId="g",
            MessageDeduplicationId=f"g{i}",
        )
    batch = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=2, VisibilityTimeout=30)[
        "Messages"
    ]
    assert [m["Body"] for m in batch] == ["g0", "g1"]
    sqs.delete_message(QueueUrl=fifo_queue, ReceiptHandle=batch[0]["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo_queue)  # g1 still in flight
    strato.advance_clock(31)  # g1 comes back first, then the rest in order
    again = sqs.receive_message(
        QueueUrl=fifo_queue, MaxNumberOfMessages=10, AttributeNames=["All"]
    )["Messages"]
    assert [m["Body"] for m in again] == ["g1", "g2", "g3"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    result = sqs.delete_message_batch(
        QueueUrl=fifo_queue,
        Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(again)],
    )
    assert len(result["Successful"]) == 3
    sqs.send_message(
        QueueUrl=fifo_queue, MessageBody="g4", MessageGroupId="g", MessageDeduplicationId="g4"
    )
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=fifo_queue)["Messages"]] == ["g4"]


def test_purge_clears_fifo_holds(sqs, fifo_queue):
    sqs.send_message(
        QueueUrl=fifo_queue, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="a"
    )
    sqs.receive_message(QueueUrl=fifo_queue)
    sqs.purge_queue(QueueUrl=fifo_queue)
    sqs.send_message(
        QueueUrl=fifo_queue, MessageBody="b", MessageGroupId="g", MessageDeduplicationId="b"
    )
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=fifo_queue)["Messages"]] == ["b"]


# -- a state directory written before the FIFO group index existed ----------------------


ACCOUNT, REGION = "123456789012", "us-east-1"


@pytest.fixture
def provider(tmp_path):
    platform = Platform.open(Settings(state_dir=str(tmp_path / "state")))
    yield SqsProvider(platform)
    platform.close()


def test_fifo_queue_from_before_the_group_index(provider):
    from strato.services.sqs import records

    ctx = RequestContext(ACCOUNT, REGION, f"arn:aws:iam::{ACCOUNT}:root", "AKID", "r", host="h")
    name = f"old-{uuid.uuid4().hex[:8]}.fifo"
    provider.create_queue(ctx, {"QueueName": name, "Attributes": {"FifoQueue": "true"}})
    for body, group in (("a0", "a"), ("b0", "b"), ("a1", "a")):
        provider.send_internal(ACCOUNT, REGION, name, body, group_id=group)
    # what an older Strato left: no layout mark and no group index
    store, qk = provider.store, records.queue_keys(ACCOUNT, REGION, name)
    with store.transaction() as tx:
        queue = tx.get(records.QUEUES, qk.prefix)
        del queue["Layout"]
        tx.put(records.QUEUES, qk.prefix, queue)
        for ns in (records.FIFO_MEMBERS, records.FIFO_HEADS):
            for key, _ in list(tx.scan(ns, qk.prefix, qk.end)):
                tx.delete(ns, key)
    got = provider.receive_internal(ACCOUNT, REGION, name, max_messages=1)
    assert [m["Body"] for m in got] == ["a0"]
    rest = provider.receive_internal(ACCOUNT, REGION, name)
    assert [m["Body"] for m in rest] == ["b0"]  # group a is held by a0
    assert provider.delete_internal(ACCOUNT, REGION, name, got[0]["ReceiptHandle"])
    assert [m["Body"] for m in provider.receive_internal(ACCOUNT, REGION, name)] == ["a1"]


def test_delete_internal_reports_invalid_and_gone_handles(provider):
    ctx = RequestContext(ACCOUNT, REGION, f"arn:aws:iam::{ACCOUNT}:root", "AKID", "r", host="h")
    provider.create_queue(ctx, {"QueueName": "plain"})
    provider.send_internal(ACCOUNT, REGION, "plain", "x")
    [m] = provider.receive_internal(ACCOUNT, REGION, "plain")
    assert provider.delete_internal(ACCOUNT, REGION, "plain", m["ReceiptHandle"]) is True
    assert provider.delete_internal(ACCOUNT, REGION, "plain", m["ReceiptHandle"]) is False
    with pytest.raises(ServiceError) as err:
        provider.delete_internal(ACCOUNT, REGION, "plain", "nope")
    assert err.value.code == "ReceiptHandleIsInvalid"
