"""Executions through boto3: start, idempotency, describe, list, history, stop, waits."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import create_machine, history_types, unique, wait_for, wait_status

PASS = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def wait_machine(seconds: int) -> dict:
    return {
        "StartAt": "Wait",
        "States": {
            "Wait": {"Type": "Wait", "Seconds": seconds, "Next": "Done"},
            "Done": {"Type": "Pass", "Result": "woke", "End": True},
        },
    }


def code_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def test_start_and_describe(sfn):
    arn = create_machine(
        sfn,
        {
            "StartAt": "A",
            "States": {
                "A": {
                    "Type": "Pass",
                    "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"},
                    "End": True,
                }
            },
        },
    )
    name = unique("run")
    started = sfn.start_execution(stateMachineArn=arn, name=name, input='{"n": 21}')
    assert started["executionArn"] == arn.replace(":stateMachine:", ":execution:") + f":{name}"
    out = wait_status(sfn, started["executionArn"])
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == {"doubled": 42}
    assert json.loads(out["input"]) == {"n": 21}
    assert out["name"] == name
    assert out["stateMachineArn"] == arn
    assert out["stopDate"] >= out["startDate"]


def test_name_idempotency(sfn):
    arn = create_machine(sfn, wait_machine(3600))
    name = unique("run")
    first = sfn.start_execution(stateMachineArn=arn, name=name, input='{"a": 1}')
    again = sfn.start_execution(stateMachineArn=arn, name=name, input='{"a": 1}')
    assert again["executionArn"] == first["executionArn"]
    with pytest.raises(ClientError) as e:
        sfn.start_execution(stateMachineArn=arn, name=name, input='{"a": 2}')
    assert code_of(e) == "ExecutionAlreadyExists"
    sfn.stop_execution(executionArn=first["executionArn"])
    assert wait_status(sfn, first["executionArn"])["status"] == "ABORTED"
    with pytest.raises(ClientError) as e:  # a closed execution's name is taken too
        sfn.start_execution(stateMachineArn=arn, name=name, input='{"a": 1}')
    assert code_of(e) == "ExecutionAlreadyExists"


def test_start_errors(sfn):
    arn = create_machine(sfn, PASS)
    with pytest.raises(ClientError) as e:
        sfn.start_execution(stateMachineArn=arn, input="{not json")
    assert code_of(e) == "InvalidExecutionInput"
    with pytest.raises(ClientError) as e:
        sfn.start_execution(stateMachineArn=arn, name="bad name")
    assert code_of(e) == "InvalidName"
    with pytest.raises(ClientError) as e:
        sfn.start_execution(stateMachineArn=arn + "-missing")
    assert code_of(e) == "StateMachineDoesNotExist"
    with pytest.raises(ClientError) as e:
        sfn.start_execution(stateMachineArn="arn:aws:sqs:us-east-1:000000000000:q")
    assert code_of(e) == "InvalidArn"
    with pytest.raises(ClientError) as e:
        sfn.describe_execution(
            executionArn=arn.replace(":stateMachine:", ":execution:") + ":missing"
        )
    assert code_of(e) == "ExecutionDoesNotExist"
    with pytest.raises(ClientError) as e:
        sfn.start_sync_execution(stateMachineArn=arn)
    assert code_of(e) == "StateMachineTypeNotSupported"


def test_failure_is_reported(sfn):
    arn = create_machine(
        sfn, {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "bad"}}}
    )
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    out = wait_status(sfn, run)
    assert (out["status"], out["error"], out["cause"]) == ("FAILED", "Boom", "bad")
    assert "output" not in out
    assert history_types(sfn, run) == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]


def test_wait_completes_when_the_clock_advances(sfn, strato):
    arn = create_machine(sfn, wait_machine(7200))
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert wait_for(lambda: "WaitStateEntered" in history_types(sfn, run))
    assert sfn.describe_execution(executionArn=run)["status"] == "RUNNING"
    strato.advance_clock(7200)
    out = wait_status(sfn, run)
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == "woke"


def test_history_paging_order_and_data(sfn):
    arn = create_machine(
        sfn,
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Pass", "Result": {"secret": 1}, "Next": "B"},
                "B": {"Type": "Pass", "End": True},
            },
        },
    )
    run = sfn.start_execution(stateMachineArn=arn, input='{"in": true}')["executionArn"]
    wait_status(sfn, run)
    full = sfn.get_execution_history(executionArn=run)["events"]
    assert [e["type"] for e in full] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in full] == list(range(1, 7))
    assert [e["previousEventId"] for e in full] == [0, 1, 2, 3, 4, 5]
    started = full[0]["executionStartedEventDetails"]
    assert json.loads(started["input"]) == {"in": True}
    assert full[2]["stateExitedEventDetails"]["name"] == "A"

    reverse = sfn.get_execution_history(executionArn=run, reverseOrder=True)["events"]
    assert [e["id"] for e in reverse] == list(range(6, 0, -1))

    ids, token = [], None
    while True:
        kwargs = {"maxResults": 4, **({"nextToken": token} if token else {})}
        page = sfn.get_execution_history(executionArn=run, **kwargs)
        ids += [e["id"] for e in page["events"]]
        token = page.get("nextToken")
        if not token:
            break
    assert ids == list(range(1, 7))

    bare = sfn.get_execution_history(executionArn=run, includeExecutionData=False)["events"]
    assert "input" not in bare[0]["executionStartedEventDetails"]
    assert "output" not in bare[2]["stateExitedEventDetails"]


def test_list_executions_filters_and_pages(sfn):
    arn = create_machine(sfn, wait_machine(86400))
    done = create_machine(sfn, PASS)
    running = [sfn.start_execution(stateMachineArn=arn)["executionArn"] for _ in range(3)]
    listed = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert [x["executionArn"] for x in listed] == list(reversed(running))  # newest first
    sfn.stop_execution(executionArn=running[0], error="Stopped", cause="by test")
    stopped = sfn.describe_execution(executionArn=running[0])  # closed when Stop returns
    assert (stopped["status"], stopped["error"], stopped["cause"]) == (
        "ABORTED",
        "Stopped",
        "by test",
    )
    assert history_types(sfn, running[0])[-1] == "ExecutionAborted"
    aborted = sfn.list_executions(stateMachineArn=arn, statusFilter="ABORTED")["executions"]
    assert [x["executionArn"] for x in aborted] == [running[0]]
    still = sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]
    assert {x["executionArn"] for x in still} == set(running[1:])

    first = sfn.list_executions(stateMachineArn=arn, maxResults=2)
    assert len(first["executions"]) == 2 and first["nextToken"]
    rest = sfn.list_executions(stateMachineArn=arn, maxResults=2, nextToken=first["nextToken"])
    assert len(rest["executions"]) == 1 and "nextToken" not in rest
    for run in running[1:]:
        sfn.stop_execution(executionArn=run)

    assert sfn.list_executions(stateMachineArn=done)["executions"] == []
    with pytest.raises(ClientError) as e:
        sfn.list_executions(stateMachineArn=done + "-missing")
    assert code_of(e) == "StateMachineDoesNotExist"


def test_describe_state_machine_for_execution_keeps_the_old_definition(sfn):
    arn = create_machine(sfn, wait_machine(86400))
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(PASS))
    described = sfn.describe_state_machine_for_execution(executionArn=run)
    assert json.loads(described["definition"]) == wait_machine(86400)
    assert described["stateMachineArn"] == arn
    sfn.stop_execution(executionArn=run)


def test_parallel_and_map(sfn):
    arn = create_machine(
        sfn,
        {
            "StartAt": "Fan",
            "States": {
                "Fan": {
                    "Type": "Parallel",
                    "Branches": [
                        {
                            "StartAt": "L",
                            "States": {"L": {"Type": "Pass", "Result": "left", "End": True}},
                        },
                        {
                            "StartAt": "M",
                            "States": {
                                "M": {
                                    "Type": "Map",
                                    "ItemsPath": "$.items",
                                    "ItemProcessor": {
                                        "StartAt": "Sq",
                                        "States": {
                                            "Sq": {
                                                "Type": "Pass",
                                                "Parameters": {"v.$": "States.MathAdd($, 1)"},
                                                "End": True,
                                            }
                                        },
                                    },
                                    "End": True,
                                }
                            },
                        },
                    ],
                    "End": True,
                }
            },
        },
    )
    run = sfn.start_execution(stateMachineArn=arn, input='{"items": [1, 2, 3]}')["executionArn"]
    out = wait_status(sfn, run)
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == ["left", [{"v": 2}, {"v": 3}, {"v": 4}]]
    types = history_types(sfn, run)
    assert types.count("MapIterationSucceeded") == 3
    assert types[-2:] == ["ParallelStateExited", "ExecutionSucceeded"]


def test_retry_backoff_waits_for_the_clock(sfn, strato):
    arn = create_machine(
        sfn,
        {
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::nosuchservice:doThing",
                    "Retry": [
                        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3000, "MaxAttempts": 1}
                    ],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                    "End": True,
                },
                "Caught": {"Type": "Pass", "End": True},
            },
        },
    )
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert wait_for(lambda: history_types(sfn, run).count("TaskFailed") == 1)
    assert sfn.describe_execution(executionArn=run)["status"] == "RUNNING"
    strato.advance_clock(3000)
    out = wait_status(sfn, run)
    assert out["status"] == "SUCCEEDED"
    assert history_types(sfn, run).count("TaskFailed") == 2


def test_express_sync_execution(sfn):
    arn = create_machine(
        sfn,
        {
            "StartAt": "A",
            "States": {"A": {"Type": "Pass", "Parameters": {"got.$": "$.x"}, "End": True}},
        },
        kind="EXPRESS",
    )
    out = sfn.start_sync_execution(stateMachineArn=arn, input='{"x": 5}')
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == {"got": 5}
    assert out["stateMachineArn"] == arn
    assert out["billingDetails"]["billedDurationInMilliseconds"] >= 100

    failing = create_machine(
        sfn,
        {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}},
        kind="EXPRESS",
    )
    out = sfn.start_sync_execution(stateMachineArn=failing)
    assert (out["status"], out["error"], out["cause"]) == ("FAILED", "E", "C")
    with pytest.raises(ClientError) as e:
        sfn.list_executions(stateMachineArn=arn)
    assert code_of(e) == "StateMachineTypeNotSupported"


def test_express_async_execution_with_a_callback(sfn):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    arn = create_machine(
        sfn,
        {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": activity, "End": True}}},
        kind="EXPRESS",
    )
    started = sfn.start_execution(stateMachineArn=arn, name="quick")
    assert ":express:" in started["executionArn"]
    assert sfn.describe_execution(executionArn=started["executionArn"])["status"] == "RUNNING"
    task = sfn.get_activity_task(activityArn=activity)
    sfn.send_task_success(taskToken=task["taskToken"], output="{}")


def test_child_execution_sync(sfn):
    child = create_machine(
        sfn,
        {
            "StartAt": "C",
            "States": {"C": {"Type": "Pass", "Parameters": {"child.$": "$.v"}, "End": True}},
        },
    )
    parent = create_machine(
        sfn,
        {
            "StartAt": "Run",
            "States": {
                "Run": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.sync:2",
                    "Parameters": {"StateMachineArn": child, "Input": {"v.$": "$.v"}},
                    "OutputPath": "$.Output",
                    "End": True,
                }
            },
        },
    )
    run = sfn.start_execution(stateMachineArn=parent, input='{"v": 7}')["executionArn"]
    out = wait_status(sfn, run)
    assert out["status"] == "SUCCEEDED", out
    assert json.loads(out["output"]) == {"child": 7}
    children = sfn.list_executions(stateMachineArn=child)["executions"]
    assert len(children) == 1 and children[0]["status"] == "SUCCEEDED"


def test_child_execution_failure_and_plain_start(sfn):
    failing = create_machine(
        sfn,
        {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "ChildError", "Cause": "no"}}},
    )
    parent = create_machine(
        sfn,
        {
            "StartAt": "Fire",
            "States": {
                "Fire": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution",
                    "Parameters": {"StateMachineArn": failing, "Name.$": "$.name"},
                    "ResultPath": "$.fired",
                    "Next": "Await",
                },
                "Await": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.sync",
                    "Parameters": {"StateMachineArn": failing},
                    "End": True,
                },
            },
        },
    )
    name = unique("child")
    run = sfn.start_execution(stateMachineArn=parent, input=json.dumps({"name": name}))[
        "executionArn"
    ]
    out = wait_status(sfn, run)
    assert (out["status"], out["error"]) == ("FAILED", "States.TaskFailed")
    cause = json.loads(out["cause"])
    assert (cause["Status"], cause["Error"], cause["Cause"]) == ("FAILED", "ChildError", "no")
    events = sfn.get_execution_history(executionArn=run)["events"]
    fired = next(e for e in events if e["type"] == "TaskSucceeded")
    result = json.loads(fired["taskSucceededEventDetails"]["output"])
    assert result["ExecutionArn"].endswith(f":{name}")
    assert isinstance(result["StartDate"], int)
    assert len(sfn.list_executions(stateMachineArn=failing)["executions"]) == 2
