"""CloudWatch Logs fixtures: clients, fresh groups and streams, and the server's own clock."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture(scope="session")
def logs(client_factory):
    return client_factory("logs")


@pytest.fixture(scope="session")
def raw_logs(client_factory):
    """A client that sends what it is given, so the server's own validation is what answers."""
    return client_factory("logs", parameter_validation=False)


@pytest.fixture
def unique():
    def make(prefix: str = "t") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make


@pytest.fixture
def group(logs, unique) -> str:
    name = "/strato/test/" + unique("g")
    logs.create_log_group(logGroupName=name)
    return name


@pytest.fixture
def stream(logs, group) -> tuple[str, str]:
    logs.create_log_stream(logGroupName=group, logStreamName="main")
    return group, "main"


@pytest.fixture
def now_ms(strato):
    """Milliseconds since the epoch by the server's clock (other tests may have advanced it)."""

    def now() -> int:
        return int(strato.advance_clock(0) * 1000)

    return now
