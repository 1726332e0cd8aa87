"""Activities and task tokens: workers poll, answer, heartbeat; callbacks through SQS."""

from __future__ import annotations

import concurrent.futures
import json
import time

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import create_machine, history_types, unique, wait_for, wait_status


def code_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def activity_machine(sfn, activity: str, **task) -> str:
    return create_machine(
        sfn,
        {
            "StartAt": "Work",
            "States": {
                "Work": {"Type": "Task", "Resource": activity, "End": True, **task},
            },
        },
    )


def test_activity_crud(sfn):
    name = unique("act")
    created = sfn.create_activity(name=name, tags=[{"key": "k", "value": "v"}])
    arn = created["activityArn"]
    assert arn == f"arn:aws:states:us-east-1:000000000000:activity:{name}"
    assert sfn.create_activity(name=name)["activityArn"] == arn  # idempotent
    described = sfn.describe_activity(activityArn=arn)
    assert described["name"] == name
    assert arn in [a["activityArn"] for a in sfn.list_activities()["activities"]]
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "k", "value": "v"}]
    sfn.delete_activity(activityArn=arn)
    with pytest.raises(ClientError) as e:
        sfn.describe_activity(activityArn=arn)
    assert code_of(e) == "ActivityDoesNotExist"
    with pytest.raises(ClientError) as e:
        sfn.get_activity_task(activityArn=arn)
    assert code_of(e) == "ActivityDoesNotExist"
    with pytest.raises(ClientError) as e:
        sfn.create_activity(name="bad name")
    assert code_of(e) == "InvalidName"


def test_activity_worker_round_trip(sfn):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    machine = activity_machine(sfn, activity, Parameters={"job.$": "$.job"})
    run = sfn.start_execution(stateMachineArn=machine, input='{"job": 42}')["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="w1")
    assert json.loads(task["input"]) == {"job": 42}
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_success(taskToken=task["taskToken"], output='{"done": 42}')
    out = wait_status(sfn, run)
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == {"done": 42}
    events = sfn.get_execution_history(executionArn=run)["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled = events[2]["activityScheduledEventDetails"]
    assert scheduled["resource"] == activity
    assert json.loads(scheduled["input"]) == {"job": 42}
    assert events[3]["activityStartedEventDetails"] == {"workerName": "w1"}
    assert json.loads(events[4]["activitySucceededEventDetails"]["output"]) == {"done": 42}
    with pytest.raises(ClientError) as e:  # the task is closed now
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    assert code_of(e) == "TaskTimedOut"


def test_long_poll_returns_as_soon_as_a_task_arrives(sfn, client_factory):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    machine = activity_machine(sfn, activity)
    poller = client_factory("stepfunctions", read_timeout=70, inject_host_prefix=False)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        began = time.monotonic()
        pending = pool.submit(poller.get_activity_task, activityArn=activity)
        time.sleep(0.3)
        assert not pending.done()  # nothing to hand out yet: the poll waits
        run = sfn.start_execution(stateMachineArn=machine, input='{"x": 1}')["executionArn"]
        task = pending.result(timeout=10)
        assert time.monotonic() - began < 10
    assert json.loads(task["input"]) == {"x": 1}
    sfn.send_task_failure(taskToken=task["taskToken"], error="WorkerError", cause="it broke")
    out = wait_status(sfn, run)
    assert (out["status"], out["error"], out["cause"]) == ("FAILED", "WorkerError", "it broke")


def test_heartbeat_timeout_fails_the_task(sfn, strato):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    machine = activity_machine(sfn, activity, HeartbeatSeconds=600, TimeoutSeconds=3000)
    run = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    task = sfn.get_activity_task(activityArn=activity)
    assert task["taskToken"]
    strato.advance_clock(601)
    out = wait_status(sfn, run)
    assert (out["status"], out["error"]) == ("FAILED", "States.HeartbeatTimeout")
    assert "ActivityTimedOut" in history_types(sfn, run)
    with pytest.raises(ClientError) as e:
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    assert code_of(e) == "TaskTimedOut"


def test_bad_tokens_and_output(sfn):
    with pytest.raises(ClientError) as e:
        sfn.send_task_success(taskToken="no-such-token", output="{}")
    assert code_of(e) == "InvalidToken"
    with pytest.raises(ClientError) as e:
        sfn.send_task_heartbeat(taskToken="no-such-token")
    assert code_of(e) == "InvalidToken"
    with pytest.raises(ClientError) as e:
        sfn.send_task_success(taskToken="no-such-token", output="{not json")
    assert code_of(e) == "InvalidOutput"


def test_wait_for_task_token_through_sqs(sfn, client_factory):
    sqs = client_factory("sqs")
    queue = sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
    machine = create_machine(
        sfn,
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {
                        "QueueUrl": queue,
                        "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"},
                    },
                    "End": True,
                }
            },
        },
    )
    run = sfn.start_execution(stateMachineArn=machine, input='{"order": "o-1"}')["executionArn"]

    def receive():
        return sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages")

    messages = wait_for(receive)
    assert messages, history_types(sfn, run)
    body = json.loads(messages[0]["Body"])
    assert body["order"] == "o-1"
    assert sfn.describe_execution(executionArn=run)["status"] == "RUNNING"
    sfn.send_task_success(taskToken=body["token"], output='{"approved": true}')
    out = wait_status(sfn, run)
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == {"approved": True}


def test_stop_execution_closes_its_activity_task(sfn, strato):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    machine = activity_machine(sfn, activity)
    run = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    assert wait_for(lambda: "ActivityScheduled" in history_types(sfn, run))
    sfn.stop_execution(executionArn=run)
    assert wait_status(sfn, run)["status"] == "ABORTED"
    # The queued task went with its execution: a poll finds nothing (the clock ends it).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(sfn.get_activity_task, activityArn=activity)
        time.sleep(0.2)
        assert not pending.done()
        strato.advance_clock(61)  # the poll's 60 s run out on the shared clock
        assert "taskToken" not in pending.result(timeout=10)


def test_redrive_runs_the_failed_state_again(sfn):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    machine = create_machine(
        sfn,
        {
            "StartAt": "Prepare",
            "States": {
                "Prepare": {"Type": "Pass", "Result": {"ready": True}, "Next": "Work"},
                "Work": {"Type": "Task", "Resource": activity, "End": True},
            },
        },
    )
    run = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    task = sfn.get_activity_task(activityArn=activity)
    sfn.send_task_failure(taskToken=task["taskToken"], error="Flaky", cause="first try")
    failed = wait_status(sfn, run)
    assert (failed["status"], failed["redriveStatus"]) == ("FAILED", "REDRIVABLE")

    redriven = sfn.redrive_execution(executionArn=run)
    assert redriven["redriveDate"]
    task = sfn.get_activity_task(activityArn=activity)
    assert json.loads(task["input"]) == {"ready": True}  # the failed state's own input
    sfn.send_task_success(taskToken=task["taskToken"], output='"second try"')
    out = wait_status(sfn, run)
    assert out["status"] == "SUCCEEDED"
    assert out["redriveCount"] == 1
    assert json.loads(out["output"]) == "second try"
    types = history_types(sfn, run)
    assert types.index("ExecutionFailed") < types.index("ExecutionRedriven")
    assert types.count("PassStateEntered") == 1  # Prepare did not run again
    assert types[-1] == "ExecutionSucceeded"
    redriven_list = sfn.list_executions(stateMachineArn=machine, redriveFilter="REDRIVEN")
    assert [x["executionArn"] for x in redriven_list["executions"]] == [run]

    with pytest.raises(ClientError) as e:
        sfn.redrive_execution(executionArn=run)
    assert code_of(e) == "ExecutionNotRedrivable"
