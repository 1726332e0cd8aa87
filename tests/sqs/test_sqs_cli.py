"""The AWS CLI against SQS."""

from __future__ import annotations

import json
import shutil
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="AWS CLI not installed")


def test_cli_queue_and_messages(aws, endpoint):
    # The CLI resolves SQS to its legacy global endpoint unless told where to go.
    def sqs(*args: str, check: bool = True):
        return aws("sqs", "--endpoint-url", endpoint, *args, check=check)

    name = f"cli-{uuid.uuid4().hex[:8]}"
    url = json.loads(sqs("create-queue", "--queue-name", name).stdout)["QueueUrl"]
    sent = json.loads(
        sqs(
            "send-message",
            "--queue-url",
            url,
            "--message-body",
            "hello cli",
            "--message-attributes",
            '{"k": {"DataType": "String", "StringValue": "v"}}',
        ).stdout
    )
    assert sent["MessageId"]
    got = json.loads(
        sqs(
            "receive-message",
            "--queue-url",
            url,
            "--message-attribute-names",
            "All",
            "--attribute-names",
            "All",
        ).stdout
    )["Messages"][0]
    assert got["Body"] == "hello cli"
    assert got["MessageAttributes"]["k"]["StringValue"] == "v"
    assert got["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    sqs("delete-message", "--queue-url", url, "--receipt-handle", got["ReceiptHandle"])
    attrs = json.loads(
        sqs("get-queue-attributes", "--queue-url", url, "--attribute-names", "All").stdout
    )
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "0"
    missing = sqs("get-queue-url", "--queue-name", name + "-missing", check=False)
    assert missing.returncode != 0
    assert "NonExistentQueue" in missing.stderr
