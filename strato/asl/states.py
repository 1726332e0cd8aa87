"""The single-frame states: Pass, Choice, Wait, Succeed and Fail (Task: task_state.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strato.asl import choice, intrinsics, jsonata, payload, task_state
from strato.asl.definition import State
from strato.asl.errors import (
    NO_CHOICE_MATCHED,
    QUERY_EVALUATION_ERROR,
    RUNTIME,
    ExecutionError,
    PathNotFound,
)

if TYPE_CHECKING:
    from strato.asl.execution import Execution


def run_pass(ex: Execution, frame: dict, state: State) -> None:
    data = ex.state_data(frame, state)
    if data.jsonata:
        output = data.output(None)
        assigned = data.assign(state.get("Assign"), None)
    else:
        effective = data.effective_input()
        if "Result" in state.spec:
            result = state.spec["Result"]
        else:
            result = data.arguments(effective)
        assigned = data.assign(state.get("Assign"), result)
        output = data.output(result)
    ex.set_exit(frame, output, state.next, assigned)


def run_choice(ex: Execution, frame: dict, state: State) -> None:
    data = ex.state_data(frame, state)
    effective = data.effective_input()
    scope = data.scope(effective)
    chosen = None
    for i, rule in enumerate(state.get("Choices") or []):
        if data.jsonata:
            matched = jsonata.render(rule.get("Condition"), "Condition", data.bindings())
            if not isinstance(matched, bool):
                raise ExecutionError(
                    QUERY_EVALUATION_ERROR,
                    f"The JSONata expression '{rule.get('Condition')}' specified for the field "
                    f"'Condition' returned an unexpected result type. Expected 'boolean'",
                    f"Choices[{i}]/Condition",
                )
        else:
            matched = choice.evaluate(rule, scope)
        if matched:
            chosen = rule
            break
    if chosen is not None:
        next_state = chosen["Next"]
        assign_template = chosen.get("Assign")
        output_holder: Any = chosen
    elif "Default" in state.spec:
        next_state = state.spec["Default"]
        assign_template = state.get("Assign")
        output_holder = state.spec
    else:
        raise ExecutionError(
            NO_CHOICE_MATCHED,
            "Failed to transition out of the state. The state does not point to a next state.",
        )
    assigned = data.assign(assign_template, effective)
    if data.jsonata:
        if "Output" in output_holder:
            output = jsonata.render(output_holder["Output"], "Output", data.bindings())
        else:
            output = data.output(None)
    else:
        output = data.output(None, effective)
    ex.set_exit(frame, output, next_state, assigned)


def _wait_until(ex: Execution, data, state: State, effective: Any) -> float:
    spec = state.spec
    now = ex.clock()
    if data.jsonata:
        if "Seconds" in spec:
            seconds = data.field("Seconds")
            if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
                raise ExecutionError(
                    QUERY_EVALUATION_ERROR,
                    f"The Seconds field must be a non-negative integer: {payload.to_json(seconds)}",
                    "Seconds",
                )
            return now + seconds
        stamp = data.field("Timestamp")
        parsed = choice.parse_timestamp(stamp)
        if parsed is None:
            raise ExecutionError(
                QUERY_EVALUATION_ERROR,
                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                f"format string: {stamp}",
                "Timestamp",
            )
        return max(now, parsed.timestamp())
    if "Seconds" in spec:
        return now + spec["Seconds"]
    if "Timestamp" in spec:
        parsed = choice.parse_timestamp(spec["Timestamp"])
        return max(now, parsed.timestamp()) if parsed else now
    scope = data.scope(effective)
    if "SecondsPath" in spec:
        path = spec["SecondsPath"]
        try:
            seconds = scope.read(path)
        except PathNotFound as exc:
            raise ExecutionError(
                RUNTIME, f"The SecondsPath parameter does not reference an input value: {path}"
            ) from exc
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise ExecutionError(
                RUNTIME,
                f"The SecondsPath parameter cannot be parsed as a long value: {path} == "
                f"{payload.to_json(seconds)}",
            )
        if isinstance(seconds, float) and not seconds.is_integer():
            raise ExecutionError(
                RUNTIME,
                f"The SecondsPath parameter cannot be parsed as a long value: {path} == {seconds}",
            )
        if seconds < 0:
            raise ExecutionError(
                RUNTIME,
                f"The SecondsPath parameter references a negative value: {path} == {int(seconds)}",
            )
        return now + seconds
    path = spec["TimestampPath"]
    try:
        stamp = scope.read(path)
    except PathNotFound as exc:
        raise ExecutionError(
            RUNTIME, f"The TimestampPath parameter does not reference an input value: {path}"
        ) from exc
    parsed = choice.parse_timestamp(stamp)
    if parsed is None:
        raise ExecutionError(
            RUNTIME,
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
            f"date-time format string: {path} == {stamp}",
        )
    return max(now, parsed.timestamp())


def run_wait(ex: Execution, frame: dict, state: State) -> None:
    data = ex.state_data(frame, state)
    effective = data.effective_input()
    wake_at = _wait_until(ex, data, state, effective)
    assigned = data.assign(state.get("Assign"), effective)
    output = data.output(None, effective)
    ex.set_exit(frame, output, state.next, assigned)
    frame["phase"] = "wait"
    frame["wake_at"] = wake_at


def run_succeed(ex: Execution, frame: dict, state: State) -> None:
    data = ex.state_data(frame, state)
    effective = data.effective_input()
    ex.set_exit(frame, data.output(None, effective), None, None)


def _fail_field(data, state: State, name: str) -> Any:
    spec = state.spec
    if data.jsonata:
        return data.field(name)
    if f"{name}Path" in spec:
        expr = spec[f"{name}Path"]
        if intrinsics.is_intrinsic(expr):
            return payload.resolve_value(expr, f"{name}Path", data.scope(data.raw))
        try:
            return data.scope(data.raw).read(expr)
        except PathNotFound as exc:
            raise ExecutionError(
                RUNTIME,
                f"The JSONPath '{expr}' specified for the field '{name}Path' could not be found "
                f"in the input '{payload.to_json(data.raw)}'",
            ) from exc
    return spec.get(name)


def run_fail(ex: Execution, frame: dict, state: State) -> None:
    data = ex.state_data(frame, state)
    error = _fail_field(data, state, "Error")
    cause = _fail_field(data, state, "Cause")
    ex.finish_frame(frame, error=error, cause=cause, failed=True)


HANDLERS = {
    "Pass": run_pass,
    "Choice": run_choice,
    "Wait": run_wait,
    "Succeed": run_succeed,
    "Fail": run_fail,
    "Task": task_state.run_task,
}
