"""The engine hooks the service relies on, without a server: answering tasks by id,
activity tokens and events, and redriving a failed execution."""

from __future__ import annotations

from strato.asl import PENDING, Execution, TaskRequest

ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:work"


class Deferred:
    """Integrations that answer later, keeping every request."""

    def __init__(self) -> None:
        self.requests: list[TaskRequest] = []

    def invoke(self, request: TaskRequest):
        self.requests.append(request)
        return PENDING


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def task_machine(resource: str, **extra) -> dict:
    return {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **extra}},
    }


def test_a_pending_task_is_answered_by_its_task_id():
    calls = Deferred()
    ex = Execution(task_machine("arn:aws:states:::sqs:sendMessage"), {}, integrations=calls)
    assert ex.run().status == "blocked"
    [request] = calls.requests
    assert request.task_id and request.task_token is None
    assert list(ex.pending_tasks()) == [request.task_id]
    ex.complete_task(request.task_id, {"output": {"MessageId": "m"}})
    assert ex.pending_tasks() == {}
    assert ex.run().status == "done"
    assert ex.status == "SUCCEEDED" and ex.output == {"MessageId": "m"}


def test_answering_a_closed_task_is_refused():
    calls, clock = Deferred(), Clock()
    ex = Execution(
        task_machine("arn:aws:states:::sqs:sendMessage", TimeoutSeconds=5),
        {},
        integrations=calls,
        clock=clock,
    )
    assert ex.run().status == "sleeping"
    clock.now += 5
    ex.run()
    assert ex.status == "FAILED" and ex.error == "States.Timeout"
    try:
        ex.complete_task(calls.requests[0].task_id, {"output": 1})
    except KeyError:
        pass
    else:
        raise AssertionError("a timed-out task took an answer")


def test_activity_tasks_get_a_token_and_activity_events():
    calls = Deferred()
    ex = Execution(task_machine(ACTIVITY, HeartbeatSeconds=30), {"a": 1}, integrations=calls)
    ex.run()
    [request] = calls.requests
    assert request.task_token
    ex.activity_started(request.task_token, "worker-1")
    ex.send_task_success(request.task_token, {"b": 2})
    ex.run()
    assert ex.output == {"b": 2}
    types = [e["type"] for e in ex.events]
    assert types == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled = ex.events[2]["activityScheduledEventDetails"]
    assert scheduled["resource"] == ACTIVITY and scheduled["heartbeatInSeconds"] == 30
    assert ex.events[3]["activityStartedEventDetails"] == {"workerName": "worker-1"}


def test_redrive_restarts_at_the_failed_state():
    calls = Deferred()
    definition = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Result": {"x": 1}, "Next": "T"},
            "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True},
        },
    }
    ex = Execution(definition, {}, integrations=calls)
    ex.run()
    ex.complete_task(calls.requests[0].task_id, {"error": "Boom", "cause": "first"})
    ex.run()
    assert ex.status == "FAILED"
    snapshot = ex.snapshot()
    again = Execution.restore(definition, snapshot, integrations=calls)
    assert again.redrive() == 1
    assert again.status == "RUNNING"
    again.run()
    second = calls.requests[1]
    assert second.parameters == {"x": 1}
    again.complete_task(second.task_id, {"output": "ok"})
    again.run()
    assert again.status == "SUCCEEDED" and again.output == "ok"
    types = [e["type"] for e in again.events]
    assert types.count("PassStateEntered") == 1
    assert types[types.index("ExecutionFailed") + 1] == "ExecutionRedriven"
    assert again.events[types.index("ExecutionRedriven")]["executionRedrivenEventDetails"] == {
        "redriveCount": 1
    }


def test_an_activity_heartbeat_counts_from_when_a_worker_takes_it():
    calls, clock = Deferred(), Clock()
    ex = Execution(task_machine(ACTIVITY, HeartbeatSeconds=10), {}, integrations=calls, clock=clock)
    assert ex.run().status == "blocked"  # queued: no worker yet, no heartbeat due
    clock.now += 100
    token = calls.requests[0].task_token
    ex.activity_started(token, None)
    result = ex.run()
    assert (result.status, result.wake_at) == ("sleeping", clock.now + 10)
    clock.now += 10
    ex.run()
    assert (ex.status, ex.error) == ("FAILED", "States.HeartbeatTimeout")
