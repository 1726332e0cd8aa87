"""The AWS CLI against Strato's CloudWatch Logs, reached through AWS_ENDPOINT_URL."""

from __future__ import annotations

import json
import shutil

import pytest

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")


def test_create_put_filter(aws, unique, now_ms):
    group = "/cli/" + unique()
    aws("logs", "create-log-group", "--log-group-name", group)
    aws("logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "s")
    t = now_ms()
    events = [
        {"timestamp": t - 2, "message": "INFO started"},
        {"timestamp": t - 1, "message": "ERROR disk full"},
        {"timestamp": t, "message": "INFO done"},
    ]
    out = aws(
        "logs", "put-log-events",
        "--log-group-name", group,
        "--log-stream-name", "s",
        "--log-events", json.dumps(events),
    )  # fmt: skip
    assert len(json.loads(out.stdout)["nextSequenceToken"]) == 56

    out = aws("logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "ERROR")
    assert [e["message"] for e in json.loads(out.stdout)["events"]] == ["ERROR disk full"]
    out = aws("logs", "filter-log-events", "--log-group-name", group)
    assert [e["message"] for e in json.loads(out.stdout)["events"]] == [
        e["message"] for e in events
    ]

    again = aws("logs", "create-log-group", "--log-group-name", group, check=False)
    assert again.returncode != 0
    assert "ResourceAlreadyExistsException" in again.stderr
    bad = aws(
        "logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "{ $.x = ",
        check=False,
    )  # fmt: skip
    assert bad.returncode != 0 and "Invalid filter pattern" in bad.stderr
