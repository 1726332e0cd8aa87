"""Helpers shared by the Step Functions tests."""

from __future__ import annotations

import json
import time
import uuid

ROLE = "arn:aws:iam::000000000000:role/sfn-test"


def unique(prefix: str = "sm") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_machine(sfn, definition: dict, kind: str = "STANDARD", name: str | None = None) -> str:
    return sfn.create_state_machine(
        name=name or unique(), definition=json.dumps(definition), roleArn=ROLE, type=kind
    )["stateMachineArn"]


def wait_status(sfn, execution_arn: str, timeout: float = 10.0, not_status: str = "RUNNING"):
    """Poll DescribeExecution until the status leaves `not_status` (the engine runs async)."""
    deadline = time.monotonic() + timeout
    while True:
        out = sfn.describe_execution(executionArn=execution_arn)
        if out["status"] != not_status or time.monotonic() > deadline:
            return out
        time.sleep(0.02)


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def history_types(sfn, execution_arn: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [e["type"] for e in events]
