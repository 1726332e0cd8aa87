"""The AWS CLI against Step Functions: create, start, describe, history, activities."""

from __future__ import annotations

import json
import os
import subprocess

from sfn_helpers import ROLE, unique, wait_for

DEFINITION = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Pass",
            "Parameters": {"greeting.$": "States.Format('hello {}', $.who)"},
            "End": True,
        }
    },
}


def run_json(aws, *args: str) -> dict:
    return json.loads(aws(*args).stdout or "{}")


def test_cli_state_machine_and_execution(aws, tmp_path):
    definition = tmp_path / "definition.json"
    definition.write_text(json.dumps(DEFINITION))
    name = unique()
    created = run_json(
        aws,
        "stepfunctions",
        "create-state-machine",
        "--name",
        name,
        "--definition",
        f"file://{definition}",
        "--role-arn",
        ROLE,
    )
    arn = created["stateMachineArn"]
    assert arn.endswith(f":stateMachine:{name}")
    listed = run_json(aws, "stepfunctions", "list-state-machines")
    assert arn in [m["stateMachineArn"] for m in listed["stateMachines"]]

    started = run_json(
        aws,
        "stepfunctions",
        "start-execution",
        "--state-machine-arn",
        arn,
        "--input",
        '{"who": "cli"}',
    )
    execution = started["executionArn"]

    def finished():
        out = run_json(aws, "stepfunctions", "describe-execution", "--execution-arn", execution)
        return out if out["status"] != "RUNNING" else None

    described = wait_for(finished)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"greeting": "hello cli"}
    history = run_json(aws, "stepfunctions", "get-execution-history", "--execution-arn", execution)
    assert [e["type"] for e in history["events"]][-1] == "ExecutionSucceeded"

    bad = aws(
        "stepfunctions",
        "create-state-machine",
        "--name",
        unique(),
        "--definition",
        '{"StartAt": "X", "States": {}}',
        "--role-arn",
        ROLE,
        check=False,
    )
    assert bad.returncode != 0
    assert "InvalidDefinition" in bad.stderr
    aws("stepfunctions", "delete-state-machine", "--state-machine-arn", arn)


def test_cli_activity(aws):
    name = unique("act")
    arn = run_json(aws, "stepfunctions", "create-activity", "--name", name)["activityArn"]
    described = run_json(aws, "stepfunctions", "describe-activity", "--activity-arn", arn)
    assert described["name"] == name
    aws("stepfunctions", "delete-activity", "--activity-arn", arn)


def test_cli_start_sync_execution(aws, endpoint, tmp_path):
    definition = tmp_path / "definition.json"
    definition.write_text(json.dumps(DEFINITION))
    arn = run_json(
        aws,
        "stepfunctions",
        "create-state-machine",
        "--name",
        unique(),
        "--type",
        "EXPRESS",
        "--definition",
        f"file://{definition}",
        "--role-arn",
        ROLE,
    )["stateMachineArn"]
    # The operation's `sync-` host prefix cannot go in front of a loopback IP.
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
    }
    proc = subprocess.run(
        [
            "aws",
            "stepfunctions",
            "start-sync-execution",
            "--state-machine-arn",
            arn,
            "--input",
            '{"who": "sync"}',
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == {"greeting": "hello sync"}
