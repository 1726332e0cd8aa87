"""Retention as time passes on the server's own clock (a private server: the clock only moves forward)."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from strato_server import StratoProcess

DAY_S = 86_400


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc = StratoProcess(str(tmp_path_factory.mktemp("logs-clock") / "state")).start()
    yield proc
    proc.stop()


def test_events_age_out_of_retention(server):
    logs = boto3.client(
        "logs",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    logs.put_retention_policy(logGroupName="g", retentionInDays=3)
    now = int(server.advance_clock(0) * 1000)
    logs.put_log_events(
        logGroupName="g", logStreamName="s", logEvents=[{"timestamp": now, "message": "day 0"}]
    )

    server.advance_clock(2 * DAY_S)
    now = int(server.advance_clock(0) * 1000)
    logs.put_log_events(
        logGroupName="g", logStreamName="s", logEvents=[{"timestamp": now, "message": "day 2"}]
    )
    read = lambda: [  # noqa: E731
        e["message"]
        for e in logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)[
            "events"
        ]
    ]
    assert read() == ["day 0", "day 2"]

    server.advance_clock(2 * DAY_S)
    assert read() == ["day 2"]
    assert [e["message"] for e in logs.filter_log_events(logGroupName="g")["events"]] == ["day 2"]

    # Writing again prunes what has expired, so the stored size shrinks too.
    now = int(server.advance_clock(0) * 1000)
    logs.put_log_events(
        logGroupName="g", logStreamName="s", logEvents=[{"timestamp": now, "message": "day 4"}]
    )
    assert logs.describe_log_groups(logGroupNamePrefix="g")["logGroups"][0]["storedBytes"] == 10
