"""TestState: run one state on its own and say what it did.

The state runs in the engine as a one-state machine whose transition targets are Succeed
placeholders, so its own Next/Default/Catch choice shows as the state entered after it.
Its Retry is left out: an error a retrier would retry is reported as RETRIABLE, as AWS does,
instead of being retried. Waits do not wait (the engine's clock jumps to the deadline).
A `mock` answers the Task instead of calling the service.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ...asl import PENDING, Execution, InvalidDefinition, TaskFailure, TaskRequest, payload, retry
from ...asl.definition import parse_definition
from ...asl.payload import to_json
from ...asl.state_data import StateData
from ...auth import RequestContext
from ...protocol import ServiceError
from .dispatch import CALLBACK, call_target, is_activity
from .errors import invalid_definition, invalid_input, validation
from .service_tasks import run_service_task

DEFAULT_NAME = "TestState"
MAX_STEPS = 10_000


class _Collect:
    def __init__(self) -> None:
        self.requests: list[TaskRequest] = []

    def invoke(self, request: TaskRequest) -> Any:
        self.requests.append(request)
        return PENDING


def _targets(spec: dict) -> set[str]:
    names = {spec.get("Next"), spec.get("Default")}
    names |= {c.get("Next") for c in spec.get("Choices") or [] if isinstance(c, dict)}
    names |= {c.get("Next") for c in spec.get("Catch") or [] if isinstance(c, dict)}
    return {n for n in names if isinstance(n, str)}


def _json(text: str | None, what: str, default: Any) -> Any:
    if text is None:
        return default
    try:
        return json.loads(text)
    except ValueError as exc:
        if what == "input":
            raise invalid_input(str(exc)) from None
        raise validation(f"The {what} is not valid JSON: {exc}") from None


class StateTester:
    platform: Any
    clock: Any

    async def test_state(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        doc = _json(params["definition"], "definition", None)
        if not isinstance(doc, dict):
            raise invalid_definition("Invalid State Machine Definition: 'expected a JSON object'")
        language = doc.get("QueryLanguage", "JSONPath")
        if "States" in doc:
            name = params.get("stateName")
            if not name or name not in (doc.get("States") or {}):
                raise validation(f"State {name} does not exist in the definition")
            spec = doc["States"][name]
        else:
            name, spec = params.get("stateName") or DEFAULT_NAME, doc
        if not isinstance(spec, dict):
            raise invalid_definition("Invalid State Machine Definition: 'expected a state'")
        retriers = spec.get("Retry") or []
        run_spec = {k: v for k, v in spec.items() if k != "Retry"}
        states = {t: {"Type": "Succeed"} for t in _targets(spec) if t != name}
        states[name] = run_spec
        machine = {"StartAt": name, "States": states}
        if "QueryLanguage" in doc:
            machine["QueryLanguage"] = language
        try:
            parsed = parse_definition(machine)
        except InvalidDefinition as exc:
            raise invalid_definition(str(exc)) from None
        value = _json(params.get("input"), "input", {})
        variables = _json(params.get("variables"), "variables", {})
        mock = params.get("mock") or {}

        now = [self.clock.now()]
        calls = _Collect()
        ex = Execution(
            parsed,
            value,
            integrations=calls,
            clock=lambda: now[0],
            name=f"test-state-{int(time.time() * 1000)}",
            state_machine_arn=f"arn:aws:states:{ctx.region}:{ctx.account_id}:stateMachine:TestState",
            role_arn=params.get("roleArn") or f"arn:aws:iam::{ctx.account_id}:role/TestState",
        )
        if isinstance(variables, dict) and variables:
            for frame in ex.data["frames"].values():
                frame["variables"].update(variables)
        results: list[Any] = []
        for _ in range(MAX_STEPS):
            step = ex.step()
            if calls.requests:
                for request in calls.requests:
                    results.append(await self._answer(ctx, ex, request, mock))
                calls.requests = []
                continue
            if step.status in ("done", "blocked") or _settled(ex, name):
                break
            if step.status == "sleeping" and step.wake_at is not None:
                now[0] = max(now[0], step.wake_at)
        return _report(ex, name, spec, retriers, value, variables, results, params)

    async def _answer(
        self, ctx: RequestContext, ex: Execution, request: TaskRequest, mock: dict
    ) -> Any:
        """Run (or mock) one task and give the engine its outcome; the result, for inspection."""
        assert request.task_id is not None
        if "result" in mock:
            result = _json(mock["result"], "mock result", None)
            ex.complete_task(request.task_id, {"output": result})
            return result
        if mock.get("errorOutput"):
            failure = mock["errorOutput"]
            ex.complete_task(
                request.task_id, {"error": failure.get("error", ""), "cause": failure.get("cause")}
            )
            return None
        if is_activity(request.resource) or request.resource.endswith(CALLBACK):
            raise validation(
                "TestState cannot wait for an activity worker or a task token; give a mock"
            )
        try:
            result = await run_service_task(
                self.platform, ctx, call_target(request.resource), request.parameters
            )
        except TaskFailure as failure:
            ex.complete_task(request.task_id, {"error": failure.error, "cause": failure.cause})
            return None
        except ServiceError as err:
            ex.complete_task(request.task_id, {"error": err.code, "cause": err.message})
            return None
        ex.complete_task(request.task_id, {"output": result})
        return result


def _state_events(ex: Execution, name: str) -> tuple[dict | None, dict | None, str | None]:
    """(the state's exit event, its last error details, the state entered after it)."""
    exited = error = None
    after = None
    for event in ex.events:
        if exited is None:
            if event["type"].endswith("StateExited") and (
                event.get("stateExitedEventDetails", {}).get("name") == name
            ):
                exited = event
                continue
            for key, details in event.items():
                if key.endswith("EventDetails") and isinstance(details, dict):
                    if "error" in details and not event["type"].startswith("Execution"):
                        error = details
        elif event["type"].endswith("StateEntered"):
            after = event["stateEnteredEventDetails"]["name"]
            break
    return exited, error, after


def _settled(ex: Execution, name: str) -> bool:
    """The state has exited and the next one (if any) was entered."""
    exited, _, after = _state_events(ex, name)
    return exited is not None and after is not None


def _retriable(retriers: list[dict], error: str | None, params: dict) -> bool:
    if error is None:
        return False
    index = retry.find_retrier(retriers, error)
    if index is None:
        return False
    done = (params.get("stateConfiguration") or {}).get("retrierRetryCount", 0)
    return done < retry.max_attempts(retriers[index])


def _report(
    ex: Execution,
    name: str,
    spec: dict,
    retriers: list[dict],
    value: Any,
    variables: Any,
    results: list[Any],
    params: dict,
) -> dict:
    exited, error, after = _state_events(ex, name)
    out: dict[str, Any] = {}
    if exited is not None:
        details = exited["stateExitedEventDetails"]
        if error is not None and _retriable(retriers, error.get("error"), params):
            out.update(status="RETRIABLE", error=error.get("error"))
            if error.get("cause") is not None:
                out["cause"] = error["cause"]
        else:
            out["status"] = "CAUGHT_ERROR" if error is not None else "SUCCEEDED"
            out["output"] = details["output"]
            if error is not None:
                out["error"] = error.get("error")
                if error.get("cause") is not None:
                    out["cause"] = error["cause"]
            if after is not None:
                out["nextState"] = after
    else:
        failed = error or {"error": ex.error, "cause": ex.cause}
        retriable = ex.status == "FAILED" and _retriable(retriers, failed.get("error"), params)
        out["status"] = "RETRIABLE" if retriable else "FAILED"
        if ex.error is not None:
            out["error"] = ex.error
        if ex.cause is not None:
            out["cause"] = ex.cause
    if params.get("inspectionLevel") in ("DEBUG", "TRACE"):
        out["inspectionData"] = _inspection(ex, name, value, variables, results)
    return out


def _inspection(ex: Execution, name: str, value: Any, variables: Any, results: list) -> dict:
    """The data at each step of the state's JSONPath pipeline (as far as it got)."""
    state = ex.machine.states[name]
    data = StateData(state, value, dict(ex.data["context"]), dict(variables or {}))
    out: dict[str, Any] = {"input": to_json(value)}
    if isinstance(variables, dict) and variables:
        out["variables"] = to_json(variables)
    try:
        effective = data.effective_input()
        if not data.jsonata:
            out["afterInputPath"] = to_json(effective)
        if state.type in ("Task", "Parallel", "Map", "Pass"):
            arguments = data.arguments(effective)
            out["afterArguments" if data.jsonata else "afterParameters"] = to_json(arguments)
        if results and results[-1] is not None:
            result = results[-1]
            out["result"] = to_json(result)
            if not data.jsonata:
                if "ResultSelector" in state.spec:
                    result = payload.render(state.spec["ResultSelector"], data.scope(result))
                    out["afterResultSelector"] = to_json(result)
                merged = payload.apply_result_path(state.get("ResultPath", "$"), value, result)
                out["afterResultPath"] = to_json(merged)
    except Exception:  # noqa: BLE001 - inspection shows what it can; the status says why
        pass
    return out
