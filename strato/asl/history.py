"""History events with AWS's names and shapes (GetExecutionHistory)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from strato.asl.payload import to_json

# The detail key AWS uses for each event type (event types without details are absent).
_DETAIL_KEYS = {
    "ExecutionStarted": "executionStartedEventDetails",
    "ExecutionSucceeded": "executionSucceededEventDetails",
    "ExecutionFailed": "executionFailedEventDetails",
    "ExecutionTimedOut": "executionTimedOutEventDetails",
    "ExecutionAborted": "executionAbortedEventDetails",
    "ExecutionRedriven": "executionRedrivenEventDetails",
    "MapStateStarted": "mapStateStartedEventDetails",
    "MapIterationStarted": "mapIterationStartedEventDetails",
    "MapIterationSucceeded": "mapIterationSucceededEventDetails",
    "MapIterationFailed": "mapIterationFailedEventDetails",
    "MapIterationAborted": "mapIterationAbortedEventDetails",
    "MapRunStarted": "mapRunStartedEventDetails",
    "MapRunFailed": "mapRunFailedEventDetails",
    "TaskScheduled": "taskScheduledEventDetails",
    "TaskStarted": "taskStartedEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
    "TaskSubmitted": "taskSubmittedEventDetails",
    "ActivityScheduled": "activityScheduledEventDetails",
    "ActivityStarted": "activityStartedEventDetails",
    "ActivitySucceeded": "activitySucceededEventDetails",
    "ActivityFailed": "activityFailedEventDetails",
    "ActivityTimedOut": "activityTimedOutEventDetails",
    "LambdaFunctionScheduled": "lambdaFunctionScheduledEventDetails",
    "LambdaFunctionSucceeded": "lambdaFunctionSucceededEventDetails",
    "LambdaFunctionFailed": "lambdaFunctionFailedEventDetails",
    "LambdaFunctionTimedOut": "lambdaFunctionTimedOutEventDetails",
    "EvaluationFailed": "evaluationFailedEventDetails",
}


def detail_key(event_type: str) -> str | None:
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return _DETAIL_KEYS.get(event_type)


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


def make_event(
    event_id: int, previous: int, timestamp: float, event_type: str, details: dict | None
) -> dict:
    event: dict[str, Any] = {
        "id": event_id,
        "previousEventId": previous,
        "timestamp": iso(timestamp),
        "type": event_type,
    }
    key = detail_key(event_type)
    if key is not None:
        event[key] = details or {}
    return event


def entered(name: str, value: Any) -> dict:
    return {"name": name, "input": to_json(value), "inputDetails": {"truncated": False}}


def exited(name: str, value: Any, assigned: dict | None = None) -> dict:
    details = {"name": name, "output": to_json(value), "outputDetails": {"truncated": False}}
    if assigned:
        details["assignedVariables"] = {k: to_json(v) for k, v in assigned.items()}
        details["assignedVariablesDetails"] = {"truncated": False}
    return details


def with_output(value: Any) -> dict:
    return {"output": to_json(value), "outputDetails": {"truncated": False}}


def failure(error: str | None, cause: str | None) -> dict:
    details = {}
    if error is not None:
        details["error"] = error
    if cause is not None:
        details["cause"] = cause
    return details
