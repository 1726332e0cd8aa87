"""SNS fixtures: clients, and SQS queues whose policy lets a topic send to them."""

from __future__ import annotations

import uuid

import pytest
from resource_policies import sns_may_send as allow_topic  # noqa: F401 - tests import it


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def sns(client_factory):
    return client_factory("sns")


@pytest.fixture(scope="session")
def sqs(client_factory):
    return client_factory("sqs")


@pytest.fixture
def topic_queue(sns, sqs):
    """make(fifo=False, policy=True, **sub_attributes) -> (topic_arn, queue_url, sub_arn)."""

    def make(fifo: bool = False, policy: bool = True, topic_attrs=None, **sub_attributes):
        suffix = ".fifo" if fifo else ""
        attrs = {"FifoTopic": "true", **(topic_attrs or {})} if fifo else (topic_attrs or {})
        topic = sns.create_topic(Name=unique("topic") + suffix, Attributes=attrs)["TopicArn"]
        q_attrs = {"FifoQueue": "true"} if fifo else {}
        url = sqs.create_queue(QueueName=unique("q") + suffix, Attributes=q_attrs)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        if policy:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow_topic(topic, arn)})
        sub = sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=arn,
            Attributes={k: v for k, v in sub_attributes.items()},
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
        return topic, url, sub

    return make


def receive(sqs, url: str, want: int = 1, wait: int = 3) -> list[dict]:
    """Messages until `want` arrived or a long poll comes back empty."""
    got: list[dict] = []
    while len(got) < want:
        out = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        )
        batch = out.get("Messages", [])
        if not batch:
            break
        for m in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        got.extend(batch)
    return got
