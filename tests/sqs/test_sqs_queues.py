"""Queue lifecycle and attributes through boto3 (json protocol)."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError


def _name() -> str:
    return f"q-{uuid.uuid4().hex[:12]}"


def test_create_is_idempotent_and_conflicts_on_different_attributes(sqs):
    name = _name()
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    assert url.endswith(f"/000000000000/{name}")
    assert (
        sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"] == url
    )
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "46"})
    assert err.value.response["Error"]["Code"] == "QueueAlreadyExists"
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url


@pytest.mark.parametrize(
    ("attributes", "code"),
    [
        ({"VisibilityTimeout": "43201"}, "InvalidAttributeValue"),
        ({"DelaySeconds": "-1"}, "InvalidAttributeValue"),
        ({"MaximumMessageSize": "1023"}, "InvalidAttributeValue"),
        ({"ReceiveMessageWaitTimeSeconds": "21"}, "InvalidAttributeValue"),
        ({"Bogus": "1"}, "InvalidAttributeName"),
        ({"ContentBasedDeduplication": "true"}, "InvalidAttributeName"),
        ({"RedrivePolicy": '{"maxReceiveCount": 3}'}, "InvalidAttributeValue"),
    ],
)
def test_invalid_attributes_are_rejected(sqs, attributes, code):
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName=_name(), Attributes=attributes)
    assert err.value.response["Error"]["Code"] == code
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_fifo_names(sqs):
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName=_name() + ".fifo", Attributes={"FifoQueue": "false"})
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName=_name(), Attributes={"FifoQueue": "true"})
    url = sqs.create_queue(QueueName=_name() + ".fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true"
    assert attrs["ContentBasedDeduplication"] == "false"
    assert attrs["DeduplicationScope"] == "queue"


def test_missing_queue(sqs):
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as err:
        sqs.get_queue_url(QueueName=_name())
    assert err.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl="http://localhost/000000000000/nope", MessageBody="x")


def test_list_queues_prefix_and_pagination(sqs):
    prefix = f"list-{uuid.uuid4().hex[:8]}"
    urls = [sqs.create_queue(QueueName=f"{prefix}-{i}")["QueueUrl"] for i in range(5)]
    assert sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"] == urls
    page = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2)
    seen = page["QueueUrls"]
    while "NextToken" in page:
        page = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2, NextToken=page["NextToken"])
        seen += page["QueueUrls"]
    assert seen == urls
    sqs.delete_queue(QueueUrl=urls[0])
    assert sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"] == urls[1:]
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=prefix + "-none")


def test_attributes_round_trip(sqs, queue):
    dlq = sqs.create_queue(QueueName=_name())["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}
        ],
    }
    sqs.set_queue_attributes(
        QueueUrl=queue,
        Attributes={
            "VisibilityTimeout": "5",
            "DelaySeconds": "2",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "4"}),
            "Policy": json.dumps(policy),
        },
    )
    sqs.set_queue_attributes(
        QueueUrl=dlq,
        Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"})},
    )
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "5" and attrs["DelaySeconds"] == "2"
    assert json.loads(attrs["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq_arn,
        "maxReceiveCount": 4,
    }
    assert json.loads(attrs["Policy"]) == policy
    assert attrs["QueueArn"].startswith("arn:aws:sqs:us-east-1:000000000000:q-")
    assert int(attrs["CreatedTimestamp"]) > 1_600_000_000
    only = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["DelaySeconds"])["Attributes"]
    assert only == {"DelaySeconds": "2"}
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [queue]
    with pytest.raises(ClientError) as err:
        sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Nope"])
    assert err.value.response["Error"]["Code"] == "InvalidAttributeName"


def test_tags(sqs):
    url = sqs.create_queue(QueueName=_name(), tags={"team": "a"})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"env": "dev"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a", "env": "dev"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}


def test_purge_and_delete(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=str(i))
    sqs.purge_queue(QueueUrl=queue)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    sqs.delete_queue(QueueUrl=queue)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])
