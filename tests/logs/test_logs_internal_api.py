"""The in-process API other parts of Strato use (append_events, tail), on a real store.

The second test then serves the same state directory and reads it back with boto3, so
what the Lambda runtime writes is what `aws logs` users see.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from strato.auth import RequestContext
from strato.auth.accounts import DEFAULT_ACCOUNT
from strato.config import Settings
from strato.platform import Platform
from strato.services.logs import LogsProvider
from strato_server import StratoProcess

DAY_S = 86_400
GROUP = "/aws/lambda/fn"
STREAM = "2024/01/01/[$LATEST]0123456789abcdef"


@pytest.fixture
def platform(tmp_path):
    p = Platform.open(Settings(state_dir=str(tmp_path / "state")))
    yield p
    p.close()


def ctx(region: str = "us-east-1") -> RequestContext:
    return RequestContext(DEFAULT_ACCOUNT, region, "arn:aws:iam::000000000000:root", None, "r")


def test_append_creates_group_and_stream_and_tail_reads_back(platform):
    logs = LogsProvider(platform)
    now = platform.clock.now_ms()
    assert logs.tail(DEFAULT_ACCOUNT, "us-east-1", GROUP, STREAM) == []

    logs.append_events(
        DEFAULT_ACCOUNT, "us-east-1", GROUP, STREAM, [(now, "START"), (now + 1, "hello")]
    )
    logs.append_events(
        DEFAULT_ACCOUNT, "us-east-1", GROUP, STREAM, [(now + 2, "END"), (now + 3, "")]
    )
    tail = logs.tail(DEFAULT_ACCOUNT, "us-east-1", GROUP, STREAM, limit=2)
    assert [(e["timestamp"], e["message"]) for e in tail] == [(now + 1, "hello"), (now + 2, "END")]
    assert all(e["ingestionTime"] >= now for e in tail)
    assert len(logs.tail(DEFAULT_ACCOUNT, "us-east-1", GROUP, STREAM, limit=100)) == 3

    (group,) = logs.describe_log_groups(ctx(), {"logGroupNamePrefix": GROUP})["logGroups"]
    assert group["storedBytes"] == len("STARThelloEND")
    (stream,) = logs.describe_log_streams(ctx(), {"logGroupName": GROUP})["logStreams"]
    assert stream["firstEventTimestamp"] == now and stream["lastEventTimestamp"] == now + 2
    # Another region is another namespace.
    assert logs.tail(DEFAULT_ACCOUNT, "eu-west-1", GROUP, STREAM) == []


def test_retention_on_tail_and_pruning_on_append(platform):
    logs = LogsProvider(platform)
    now = platform.clock.now_ms()
    logs.append_events(DEFAULT_ACCOUNT, "us-east-1", GROUP, "s", [(now, "old")])
    logs.put_retention_policy(ctx(), {"logGroupName": GROUP, "retentionInDays": 1})
    platform.clock.advance(2 * DAY_S)
    assert logs.tail(DEFAULT_ACCOUNT, "us-east-1", GROUP, "s") == []

    later = platform.clock.now_ms()
    logs.append_events(DEFAULT_ACCOUNT, "us-east-1", GROUP, "s", [(later, "new")])
    (group,) = logs.describe_log_groups(ctx(), {"logGroupNamePrefix": GROUP})["logGroups"]
    assert group["storedBytes"] == len("new")  # the expired event was pruned, not just hidden
    logs.delete_retention_policy(ctx(), {"logGroupName": GROUP})
    assert [e["message"] for e in logs.tail(DEFAULT_ACCOUNT, "us-east-1", GROUP, "s")] == ["new"]


def test_what_the_internal_api_writes_is_served(tmp_path):
    state = str(tmp_path / "state")
    platform = Platform.open(Settings(state_dir=state))
    now = platform.clock.now_ms()
    LogsProvider(platform).append_events(
        DEFAULT_ACCOUNT, "us-east-1", GROUP, STREAM, [(now + i, f"line {i}") for i in range(5)]
    )
    platform.close()

    server = StratoProcess(state).start()
    try:
        client = boto3.client(
            "logs",
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1}),
        )
        out = client.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True)
        assert [e["message"] for e in out["events"]] == [f"line {i}" for i in range(5)]
        hits = client.filter_log_events(logGroupName=GROUP, filterPattern="?3 ?4")["events"]
        assert [e["message"] for e in hits] == ["line 3", "line 4"]
    finally:
        server.stop()
