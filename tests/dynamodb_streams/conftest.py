"""DynamoDB Streams fixtures: clients on the session server and fresh tables with streams."""

from __future__ import annotations

import pytest
from streams_helpers import create_table


@pytest.fixture(scope="session")
def ddb(client_factory):
    return client_factory("dynamodb")


@pytest.fixture(scope="session")
def streams(client_factory):
    return client_factory("dynamodbstreams")


@pytest.fixture
def stream_table(ddb):
    """A table with a NEW_AND_OLD_IMAGES stream: (name, stream ARN); deleted afterwards."""
    created = []

    def make(view_type: str | None = "NEW_AND_OLD_IMAGES", **kwargs):
        name, arn = create_table(ddb, view_type, **kwargs)
        created.append(name)
        return name, arn

    yield make
    for name in created:
        try:
            ddb.delete_table(TableName=name)
        except Exception:
            pass
