"""EventBridge through the AWS CLI."""

from __future__ import annotations

import json
import shutil
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="AWS CLI not installed")


def test_cli_rule_and_put_events(aws):
    rule = f"cli-{uuid.uuid4().hex[:8]}"
    pattern = json.dumps({"source": ["cli.app"]})
    arn = json.loads(aws("events", "put-rule", "--name", rule, "--event-pattern", pattern).stdout)
    assert arn["RuleArn"].endswith(f":rule/{rule}")
    listed = json.loads(aws("events", "list-rules", "--name-prefix", rule).stdout)["Rules"]
    assert [r["Name"] for r in listed] == [rule]
    entries = json.dumps([{"Source": "cli.app", "DetailType": "t", "Detail": '{"a": 1}'}])
    out = json.loads(aws("events", "put-events", "--entries", entries).stdout)
    assert out["FailedEntryCount"] == 0 and out["Entries"][0]["EventId"]
    bad = aws(
        "events",
        "put-rule",
        "--name",
        rule,
        "--schedule-expression",
        "rate(1 minutes)",
        check=False,
    )
    assert bad.returncode != 0 and "ValidationException" in bad.stderr
    aws("events", "delete-rule", "--name", rule)
