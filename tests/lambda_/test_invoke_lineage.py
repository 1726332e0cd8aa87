"""Recursion lineage: a function's calls carry its chain depth in X-Amzn-Trace-Id, SQS keeps it
as AWSTraceHeader, and an asynchronous invocation from a deep chain is stopped (unless allowed)."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from botocore.exceptions import ClientError

SENDER = (
    "import boto3, os\n"
    "def handler(event, context):\n"
    "    boto3.client('sqs').send_message(QueueUrl=os.environ['QUEUE'], MessageBody='from fn')\n"
)


def with_trace_header(client, value: str):
    def add(request, **_):
        request.headers["X-Amzn-Trace-Id"] = value

    client.meta.events.register_first("before-sign.lambda.Invoke", add)
    return client


def test_messages_a_function_sends_carry_its_lineage(lam, client_factory, create_function):
    sqs = client_factory("sqs")
    url = sqs.create_queue(QueueName=f"lineage-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    name = create_function({"app.py": SENDER}, Environment={"Variables": {"QUEUE": url}})
    out = lam.invoke(FunctionName=name, Payload=b"{}")
    assert "FunctionError" not in out
    [message] = sqs.receive_message(
        QueueUrl=url, MessageSystemAttributeNames=["AWSTraceHeader"], WaitTimeSeconds=5
    )["Messages"]
    header = message["Attributes"]["AWSTraceHeader"]
    assert re.search(r"(^|;)Root=1-[0-9a-f]{8}-[0-9a-f]{24}(;|$)", header)
    assert re.search(r"(^|;)Lineage=[0-9a-f]+:0(;|$)", header)  # the first call of a chain


def test_deep_asynchronous_chain_is_stopped(lam, client_factory, create_function):
    name = create_function({"app.py": "def handler(event, context):\n    return 1\n"})
    deep = with_trace_header(
        client_factory("lambda"), "Root=1-5759e988-bd862e3fe1be46a994272793;Lineage=1a2b3c4d:15"
    )
    with pytest.raises(ClientError) as e:
        deep.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({}))
    assert e.value.response["Error"]["Code"] == "RecursiveInvocationException"
    shallow = with_trace_header(
        client_factory("lambda"), "Root=1-5759e988-bd862e3fe1be46a994272793;Lineage=1a2b3c4d:3"
    )
    assert shallow.invoke(FunctionName=name, InvocationType="Event")["StatusCode"] == 202

    lam.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow")
    assert deep.invoke(FunctionName=name, InvocationType="Event")["StatusCode"] == 202
