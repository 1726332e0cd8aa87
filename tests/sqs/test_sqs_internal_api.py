"""The API other parts of Strato call without HTTP, on an in-process provider with its own
store and clock: send/receive/delete, long-poll wake-up, and Lambda's destination seams."""

from __future__ import annotations

import asyncio
import json

import pytest

from strato.auth import RequestContext
from strato.config import Settings
from strato.platform import Platform
from strato.protocol import ServiceError
from strato.services.sqs import SqsProvider

ACCOUNT, REGION = "123456789012", "us-east-1"
ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:inbox"


@pytest.fixture
def platform(tmp_path):
    p = Platform.open(Settings(state_dir=str(tmp_path / "state")))
    yield p
    p.close()


@pytest.fixture
def provider(platform) -> SqsProvider:
    sqs = SqsProvider(platform)
    ctx = RequestContext(ACCOUNT, REGION, f"arn:aws:iam::{ACCOUNT}:root", "AKID", "r", host="h")
    sqs.create_queue(ctx, {"QueueName": "inbox"})
    sqs.create_queue(ctx, {"QueueName": "inbox.fifo", "Attributes": {"FifoQueue": "true"}})
    return sqs


def test_send_receive_delete(provider):
    mid = provider.send_internal(
        ACCOUNT, REGION, ARN, "hello", {"k": "v"}, source_arn="arn:aws:sns:us-east-1:111122223333:t"
    )
    [msg] = provider.receive_internal(ACCOUNT, REGION, "inbox")
    assert msg["MessageId"] == mid and msg["Body"] == "hello"
    assert msg["MessageAttributes"]["k"] == {"DataType": "String", "StringValue": "v"}
    assert msg["Attributes"]["SenderId"] == "111122223333"
    assert provider.receive_internal(ACCOUNT, REGION, ARN) == []
    assert provider.delete_internal(ACCOUNT, REGION, ARN, msg["ReceiptHandle"])
    assert (
        provider.queue_attributes_internal(ACCOUNT, REGION, ARN)[
            "ApproximateNumberOfMessagesNotVisible"
        ]
        == "0"
    )


def test_fifo_internal_dedups_by_content(provider):
    fifo = ARN + ".fifo"
    a = provider.send_internal(ACCOUNT, REGION, fifo, "same", group_id="g")
    b = provider.send_internal(ACCOUNT, REGION, fifo, "same", group_id="g")
    assert a == b


def test_wait_for_messages_wakes_on_send(provider):
    async def scenario():
        provider.start()
        waiter = asyncio.create_task(
            provider.wait_for_messages(ACCOUNT, REGION, ARN, wait_seconds=5)
        )
        await asyncio.sleep(0.05)
        loop = asyncio.get_running_loop()
        started = loop.time()
        # from another thread, as a worker would
        await loop.run_in_executor(None, provider.send_internal, ACCOUNT, REGION, ARN, "ping")
        got = await waiter
        return got, loop.time() - started

    got, latency = asyncio.run(scenario())
    assert [m["Body"] for m in got] == ["ping"]
    assert latency < 0.1


def test_lambda_destination_and_dead_letter(provider):
    record = json.dumps({"requestContext": {"condition": "Success"}})
    provider.deliver_lambda_destination(ARN, record)
    provider.deliver_lambda_dead_letter(
        ARN, '{"in": 1}', {"RequestID": "r1", "ErrorCode": "200", "ErrorMessage": "boom"}
    )
    msgs = provider.receive_internal(ACCOUNT, REGION, ARN)
    assert [m["Body"] for m in msgs] == [record, '{"in": 1}']
    assert msgs[1]["MessageAttributes"]["ErrorMessage"]["StringValue"] == "boom"
    with pytest.raises(ServiceError, match="does not exist"):
        provider.deliver_lambda_destination(f"arn:aws:sqs:{REGION}:{ACCOUNT}:missing", "{}")
