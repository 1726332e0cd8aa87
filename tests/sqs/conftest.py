"""SQS clients bound to the test server: boto3's (json), and a query-protocol client built
from the older botocore model Strato ships, as the AWS CLI v1 / Node aws-sdk v2 era sends."""

from __future__ import annotations

import os
import shutil
import uuid

import boto3
import botocore.session
import pytest
from botocore.config import Config

from strato.services.sqs import QUERY_MODEL


@pytest.fixture(scope="session")
def sqs(client_factory):
    return client_factory("sqs")


@pytest.fixture(scope="session")
def sqs_query(endpoint, tmp_path_factory):
    root = tmp_path_factory.mktemp("sqs-query-model")
    os.makedirs(root / "sqs" / "2012-11-05")
    shutil.copy(QUERY_MODEL, root / "sqs" / "2012-11-05" / "service-2.json")
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(root))
    client = boto3.Session(botocore_session=session).client(
        "sqs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
    assert client.meta.service_model.protocol == "query"
    return client


@pytest.fixture
def queue(sqs):
    return sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:12]}")["QueueUrl"]


@pytest.fixture
def fifo_queue(sqs):
    return sqs.create_queue(
        QueueName=f"f-{uuid.uuid4().hex[:12]}.fifo", Attributes={"FifoQueue": "true"}
    )["QueueUrl"]


def unique(prefix: str = "q") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
