"""An EventBridge rule whose target is a Step Functions state machine starts an execution."""

from __future__ import annotations

import json
import time
import uuid

ROLE = "arn:aws:iam::000000000000:role/events-to-sfn"


def test_rule_target_starts_an_execution_with_the_event(client_factory):
    events, sfn = client_factory("events"), client_factory("stepfunctions")
    name = f"from-events-{uuid.uuid4().hex[:8]}"
    definition = {
        "StartAt": "Pick",
        "States": {"Pick": {"Type": "Pass", "InputPath": "$.detail", "End": True}},
    }
    machine = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)[
        "stateMachineArn"
    ]
    rule = f"to-sfn-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [name]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "m", "Arn": machine, "RoleArn": ROLE}])
    events.put_events(
        Entries=[{"Source": name, "DetailType": "order", "Detail": json.dumps({"order": 7})}]
    )
    deadline = time.monotonic() + 10
    executions: list = []
    while time.monotonic() < deadline:
        executions = sfn.list_executions(stateMachineArn=machine)["executions"]
        if executions and executions[0]["status"] != "RUNNING":
            break
        time.sleep(0.05)
    assert len(executions) == 1
    run = sfn.describe_execution(executionArn=executions[0]["executionArn"])
    assert run["status"] == "SUCCEEDED"
    assert json.loads(run["input"])["detail"] == {"order": 7}
    assert json.loads(run["output"]) == {"order": 7}
