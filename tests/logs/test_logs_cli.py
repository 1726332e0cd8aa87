"""The AWS CLI against Strato's CloudWatch Logs, reached through AWS_ENDPOINT_URL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")


@pytest.fixture(scope="module")
def aws(endpoint, tmp_path_factory):
    home = tmp_path_factory.mktemp("aws-home")
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_PAGER": "",
    }

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(["aws", *args], env=env, capture_output=True, text=True, timeout=60)
        if check:
            assert proc.returncode == 0, f"aws {' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
        return proc

    return run


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
