"""DynamoDB fixtures: client and resource on the session server, and fresh tables."""

from __future__ import annotations

import boto3
import pytest
from dynamodb_helpers import new_table


@pytest.fixture(scope="session")
def ddb(client_factory):
    return client_factory("dynamodb")


@pytest.fixture(scope="session")
def ddb_resource(endpoint):
    return boto3.resource(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture
def make_table(ddb):
    """Create tables (deleted afterwards): make_table(hash=("pk", "S"), range=None, **extra)."""
    created: list[str] = []

    def make(**kwargs):
        name = new_table(ddb, **kwargs)
        created.append(name)
        return name

    yield make
    for name in created:
        try:
            ddb.delete_table(TableName=name)
        except ddb.exceptions.ResourceNotFoundException:
            pass


@pytest.fixture
def table(make_table):
    """A pay-per-request table keyed pk (S) + sk (S)."""
    return make_table(range_key=("sk", "S"))
