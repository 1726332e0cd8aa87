"""Queue policies: other accounts get in only through an Allow, the owner is stopped only by an
explicit Deny, conditions are evaluated, and a malformed policy is refused when set."""

from __future__ import annotations

import json
import os
import shutil
import uuid

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from strato.services.sqs import QUERY_MODEL

OWNER = "000000000000"
OTHER_KEY, OTHER_SECRET, OTHER_ACCOUNT = "AKIASQSOTHERACCT0004", "sqs-other-secret", "444455556666"


@pytest.fixture(scope="module")
def other(strato, client_factory):
    strato.add_account(OTHER_KEY, OTHER_SECRET, OTHER_ACCOUNT)
    return client_factory("sqs", key=OTHER_KEY, secret=OTHER_SECRET)


@pytest.fixture(scope="module")
def other_query(other, endpoint, tmp_path_factory):
    """A query-protocol client (the older model Strato ships) signing as the other account."""
    root = tmp_path_factory.mktemp("sqs-query-model-other")
    os.makedirs(root / "sqs" / "2012-11-05")
    shutil.copy(QUERY_MODEL, root / "sqs" / "2012-11-05" / "service-2.json")
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(root))
    client = boto3.Session(botocore_session=session).client(
        "sqs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=OTHER_KEY,
        aws_secret_access_key=OTHER_SECRET,
        config=Config(retries={"total_max_attempts": 1}),
    )
    assert client.meta.service_model.protocol == "query"
    return client


def error(call) -> dict:
    with pytest.raises(ClientError) as e:
        call()
    return {
        "Code": e.value.response["Error"]["Code"],
        "Status": e.value.response["ResponseMetadata"]["HTTPStatusCode"],
        "Message": e.value.response["Error"]["Message"],
        "QueryError": e.value.response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-query-error"),
    }


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def arn_of(sqs, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]


def test_other_account_is_denied_without_a_policy(sqs, other, queue):
    denied = error(lambda: other.send_message(QueueUrl=queue, MessageBody="x"))
    assert denied["Code"] == "AccessDenied" and denied["Status"] == 403
    assert denied["QueryError"] == "AccessDenied;Sender"  # what JSON SDKs read the code from
    assert "sqs:sendmessage" in denied["Message"] and arn_of(sqs, queue) in denied["Message"]
    assert error(lambda: other.receive_message(QueueUrl=queue))["Code"] == "AccessDenied"
    assert (
        error(lambda: other.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"]))["Code"]
        == "AccessDenied"
    )
    name = queue.rsplit("/", 1)[1]
    assert (
        error(lambda: other.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=OWNER))["Code"]
        == "AccessDenied"
    )
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_allow_grants_the_named_actions_only(sqs, other, queue):
    arn = arn_of(sqs, queue)
    sqs.set_queue_attributes(
        QueueUrl=queue,
        Attributes={
            "Policy": policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                    "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
                    "Resource": arn,
                }
            )
        },
    )
    name = queue.rsplit("/", 1)[1]
    url = other.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=OWNER)["QueueUrl"]
    assert url.endswith(f"/{OWNER}/{name}")
    other.send_message(QueueUrl=url, MessageBody="from the other account")
    other.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "batched"}])
    assert error(lambda: other.receive_message(QueueUrl=url))["Code"] == "AccessDenied"
    got = sqs.receive_message(
        QueueUrl=queue, MaxNumberOfMessages=10, MessageSystemAttributeNames=["SenderId"]
    )["Messages"]
    assert sorted(m["Body"] for m in got) == ["batched", "from the other account"]
    assert {m["Attributes"]["SenderId"] for m in got} == {OTHER_KEY}


def test_sqs_star_and_the_owner_only_operations(sqs, other, queue):
    sqs.set_queue_attributes(
        QueueUrl=queue,
        Attributes={
            "Policy": policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": OTHER_ACCOUNT},
                    "Action": "sqs:*",
                    "Resource": arn_of(sqs, queue),
                }
            )
        },
    )
    other.send_message(QueueUrl=queue, MessageBody="x")
    [message] = other.receive_message(QueueUrl=queue)["Messages"]
    other.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    assert other.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    # AWS never extends these to another account, whatever the policy says.
    assert (
        error(lambda: other.set_queue_attributes(QueueUrl=queue, Attributes={"DelaySeconds": "1"}))[
            "Code"
        ]
        == "AccessDenied"
    )
    assert error(lambda: other.delete_queue(QueueUrl=queue))["Code"] == "AccessDenied"
    assert error(lambda: other.tag_queue(QueueUrl=queue, Tags={"a": "b"}))["Code"] == "AccessDenied"
    assert sqs.get_queue_url(QueueName=queue.rsplit("/", 1)[1])["QueueUrl"] == queue


def test_conditions_are_evaluated(sqs, other, queue):
    sqs.set_queue_attributes(
        QueueUrl=queue,
        Attributes={
            "Policy": policy(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:SendMessage",
                    "Resource": arn_of(sqs, queue),
                    "Condition": {"StringEquals": {"aws:PrincipalAccount": "999999999999"}},
                }
            )
        },
    )
    assert error(lambda: other.send_message(QueueUrl=queue, MessageBody="x"))["Code"] == (
        "AccessDenied"
    )
    sqs.set_queue_attributes(
        QueueUrl=queue,
        Attributes={
            "Policy": policy(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:SendMessage",
                    "Resource": arn_of(sqs, queue),
                    "Condition": {"StringEquals": {"aws:PrincipalAccount": OTHER_ACCOUNT}},
                }
            )
        },
    )
    other.send_message(QueueUrl=queue, MessageBody="x")


def test_explicit_deny_stops_the_owner_too(sqs, queue):
    sqs.set_queue_attributes(
        QueueUrl=queue,
        Attributes={
            "Policy": policy(
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:SendMessage",
                    "Resource": arn_of(sqs, queue),
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            )
        },
    )
    assert error(lambda: sqs.send_message(QueueUrl=queue, MessageBody="x"))["Code"] == (
        "AccessDenied"
    )
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)  # other actions still work
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": ""})
    sqs.send_message(QueueUrl=queue, MessageBody="x")


def test_query_protocol_error_shape(sqs, other_query, queue):
    denied = error(lambda: other_query.send_message(QueueUrl=queue, MessageBody="x"))
    assert denied["Code"] == "AccessDenied" and denied["Status"] == 403
    assert "sqs:sendmessage" in denied["Message"]


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        "[]",
        json.dumps({"Version": "2012-10-17"}),
        json.dumps({"Statement": [{"Effect": "Maybe", "Action": "sqs:*"}]}),
        json.dumps({"Statement": [{"Effect": "Allow"}]}),
    ],
)
def test_malformed_policy_is_refused(sqs, queue, document):
    refused = error(
        lambda: sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": document})
    )
    assert refused["Code"] == "InvalidAttributeValue"
    assert "Policy" in refused["Message"]
    refused = error(
        lambda: sqs.create_queue(
            QueueName=f"bad-policy-{uuid.uuid4().hex[:8]}", Attributes={"Policy": document}
        )
    )
    assert refused["Code"] == "InvalidAttributeValue"


def test_add_permission_grants_another_account(sqs, other, queue):
    sqs.add_permission(
        QueueUrl=queue,
        Label="partner",
        AWSAccountIds=[OTHER_ACCOUNT],
        Actions=["SendMessage", "ReceiveMessage"],
    )
    other.send_message(QueueUrl=queue, MessageBody="granted")
    [message] = other.receive_message(QueueUrl=queue)["Messages"]
    assert message["Body"] == "granted"
    assert error(lambda: other.purge_queue(QueueUrl=queue))["Code"] == "AccessDenied"
    sqs.remove_permission(QueueUrl=queue, Label="partner")
    assert error(lambda: other.send_message(QueueUrl=queue, MessageBody="x"))["Code"] == (
        "AccessDenied"
    )
