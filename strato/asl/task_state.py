"""Task states: call the injected integrations, wait for callbacks, time out.

A Lambda function ARN as Resource is AWS's older form and gets LambdaFunction* events;
everything else (service integrations, activities) gets Task* events.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from strato.asl import payload
from strato.asl.definition import State
from strato.asl.errors import HEARTBEAT_TIMEOUT, TASK_FAILED, TIMEOUT, ExecutionError, PathNotFound
from strato.asl.integrations import Pending, TaskRequest

if TYPE_CHECKING:
    from strato.asl.execution import Execution


def resource_parts(resource: str) -> tuple[str, str]:
    """AWS's (resourceType, resource) for history: ...:::lambda:invoke -> (lambda, invoke)."""
    if resource.startswith("arn:") and ":states:::" in resource:
        rest = resource.split(":states:::", 1)[1]
        kind, _, name = rest.partition(":")
        return kind, name
    if ":lambda:" in resource and ":function:" in resource:
        return "lambda-function", resource
    return ("activity" if ":activity:" in resource else "task"), resource


def _number(data, state: State, name: str) -> float | None:
    if f"{name}Path" in state.spec and not data.jsonata:
        try:
            return data.scope(data.raw).read(state.spec[f"{name}Path"])
        except PathNotFound:
            return None
    value = data.field(name)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def run_task(ex: Execution, frame: dict, state: State) -> None:
    data = ex.state_data(frame, state)
    effective = data.effective_input()
    resource = data.field("Resource") if data.jsonata else state.get("Resource")
    token = None
    if isinstance(resource, str) and resource.endswith(".waitForTaskToken"):
        token = str(uuid.uuid4())
        data.context["Task"] = {"Token": token}
    elif isinstance(resource, str) and resource_parts(resource)[0] == "activity":
        token = str(uuid.uuid4())  # the worker answers with it (GetActivityTask hands it out)
    arguments = data.arguments(effective)
    timeout = _number(data, state, "TimeoutSeconds")
    heartbeat = _number(data, state, "HeartbeatSeconds")
    kind, name = resource_parts(resource)
    if kind == "lambda-function":
        details = {"resource": name, "input": payload.to_json(arguments)}
        details["inputDetails"] = {"truncated": False}
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout)
        ex.emit(frame, "LambdaFunctionScheduled", details)
        ex.emit(frame, "LambdaFunctionStarted")
    elif kind == "activity":
        # ActivityStarted follows when a worker takes the task (Execution.activity_started).
        details = {"resource": name, "input": payload.to_json(arguments)}
        details["inputDetails"] = {"truncated": False}
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout)
        if heartbeat is not None:
            details["heartbeatInSeconds"] = int(heartbeat)
        ex.emit(frame, "ActivityScheduled", details)
    else:
        arn_parts = ex.data["context"]["Execution"]["Id"].split(":")
        region = arn_parts[3] if len(arn_parts) > 3 and arn_parts[3] else "us-east-1"
        details = {"resourceType": kind, "resource": name, "region": region}
        details["parameters"] = payload.to_json(arguments)
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout)
        if heartbeat is not None:
            details["heartbeatInSeconds"] = int(heartbeat)
        ex.emit(frame, "TaskScheduled", details)
        ex.emit(frame, "TaskStarted", {"resourceType": kind, "resource": name})
    frame["pending"] = {
        "kind": kind,
        "resource": name,
        "token": token,
        "resolved": None,
        "deadline": ex.clock() + timeout if timeout else None,
        "heartbeat": heartbeat,
        "task_id": str(uuid.uuid4()),
    }
    if ex.integrations is None:
        frame["pending"]["resolved"] = {
            "error": TASK_FAILED,
            "cause": f"No integration can run the resource {resource}",
        }
        _finish_task(ex, frame, state)
        return
    request = TaskRequest(
        resource=resource,
        parameters=arguments,
        state_name=state.name,
        execution_arn=ex.data["context"]["Execution"]["Id"],
        task_token=token,
        timeout_seconds=timeout,
        heartbeat_seconds=heartbeat,
        credentials=state.get("Credentials"),
        task_id=frame["pending"]["task_id"],
        retry_count=sum(frame["retry_counts"].values()),
    )
    try:
        result = ex.integrations.invoke(request)
    except ExecutionError as exc:
        frame["pending"]["resolved"] = {"error": exc.error, "cause": exc.cause}
        _finish_task(ex, frame, state)
        return
    if isinstance(result, Pending):
        if token is not None:
            ex.data["tokens"][token] = frame["id"]
        ex.data.setdefault("tasks", {})[frame["pending"]["task_id"]] = frame["id"]
        frame["phase"] = "task"
        pending = frame["pending"]
        # An activity's heartbeat clock starts when a worker takes it (activity_started).
        if pending["heartbeat"] and kind != "activity":
            pending["heartbeat_deadline"] = ex.clock() + pending["heartbeat"]
        _set_wake(frame)
        return
    frame["pending"]["resolved"] = {"output": result}
    _finish_task(ex, frame, state)


def _set_wake(frame: dict) -> None:
    pending = frame["pending"]
    wakes = [w for w in (pending["deadline"], pending.get("heartbeat_deadline")) if w]
    frame["wake_at"] = min(wakes) if wakes else None


def heartbeat(ex: Execution, frame: dict) -> None:
    """SendTaskHeartbeat: the heartbeat timer starts again."""
    pending = frame["pending"]
    if pending["heartbeat"]:
        pending["heartbeat_deadline"] = ex.clock() + pending["heartbeat"]
    _set_wake(frame)


def resume_task(ex: Execution, frame: dict, state: State) -> None:
    """A callback arrived, or a timer ran out."""
    pending = frame["pending"]
    if pending["resolved"] is None:
        hb = pending.get("heartbeat_deadline")
        error = HEARTBEAT_TIMEOUT if hb and hb <= ex.clock() else TIMEOUT
        pending["resolved"] = {"error": error, "cause": None, "timed_out": True}
        if pending["token"]:
            ex.data["tokens"].pop(pending["token"], None)
    frame["wake_at"] = None
    _finish_task(ex, frame, state)


def _finish_task(ex: Execution, frame: dict, state: State) -> None:
    pending = frame["pending"]
    outcome = pending["resolved"]
    frame["pending"] = None
    ex.data.get("tasks", {}).pop(pending.get("task_id"), None)
    frame["phase"] = "run"
    lambda_style = pending["kind"] in ("lambda-function", "activity")
    base = (
        {} if lambda_style else {"resourceType": pending["kind"], "resource": pending["resource"]}
    )
    prefix = {"lambda-function": "LambdaFunction", "activity": "Activity"}.get(
        pending["kind"], "Task"
    )
    if "output" in outcome:
        result = outcome["output"]
        details = {**base, "output": payload.to_json(result), "outputDetails": {"truncated": False}}
        ex.emit(frame, f"{prefix}Succeeded", details)
        data = ex.state_data(frame, state)
        assigned = data.assign(state.get("Assign"), result)
        ex.set_exit(frame, data.output(result), state.next, assigned)
        return
    details = {**base, "error": outcome["error"]}
    if outcome["cause"] is not None:
        details["cause"] = outcome["cause"]
    ex.emit(frame, f"{prefix}{'TimedOut' if outcome.get('timed_out') else 'Failed'}", details)
    raise ExecutionError(outcome["error"], outcome["cause"], propagated=True)
