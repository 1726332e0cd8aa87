"""TestState: run one state on its own and say what it did.

The state runs in the engine as a one-state machine whose transition targets are Succeed
placeholders, so its own Next/Default/Catch choice shows as the state entered after it.
Its Retry is left out: an error a retrier would retry is reported as RETRIABLE, as AWS does,
instead of being retried. Waits do not wait (the engine's clock jumps to the deadline).
A `mock` answers the Task instead of calling the service; a mocked Map or Parallel runs
as a Task whose result is the mock, since AWS then runs no iteration or branch at all.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from ...asl import PENDING, Execution, InvalidDefinition, TaskFailure, TaskRequest, payload, retry
from ...asl.branching import _int_setting as map_setting  # the engine's own reading
from ...asl.definition import State, StateMachine, parse_definition
from ...asl.errors import EXCEED_TOLERATED_FAILURE, ExecutionError, PathNotFound
from ...asl.history import iso
from ...asl.payload import to_json
from ...asl.state_data import StateData
from ...auth import RequestContext
from ...protocol import ServiceError
from .dispatch import CALLBACK, call_target, is_activity
from .errors import invalid_definition, invalid_input, validation
from .service_tasks import run_service_task

DEFAULT_NAME = "StateName"  # what AWS calls a state sent on its own
MACHINE_NAME = "TestStateMachine"
MAX_STEPS = 10_000
MOCKED = "arn:aws:states:::strato:testState.mock"
THRESHOLD_CAUSE = "The specified tolerated failure threshold was exceeded"

# What a mocked Map or Parallel drops to run as a Task (Map's Parameters select items).
_BRANCHING_ONLY = {
    "Branches",
    "Items",
    "ItemsPath",
    "ItemProcessor",
    "Iterator",
    "ItemSelector",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "Label",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
}


class _Collect:
    def __init__(self) -> None:
        self.requests: list[TaskRequest] = []

    def invoke(self, request: TaskRequest) -> Any:
        self.requests.append(request)
        return PENDING


class _TestExecution(Execution):
    """An execution whose context object can be the caller's, word for word."""

    given_context: dict | None = None

    def context_for(self, frame: dict, state: State, **extra: Any) -> dict:
        if self.given_context is None:
            return super().context_for(frame, state, **extra)
        return {**json.loads(json.dumps(self.given_context)), **extra}


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


def _find_state(machine: dict, name: str, language: str) -> tuple[Any, str] | None:
    """The named state anywhere in the machine (Parallel branches and Map processors
    included), with the query language it inherits."""
    language = machine.get("QueryLanguage", language)
    states = machine.get("States") or {}
    if not isinstance(states, dict):
        return None
    if name in states:
        return states[name], language
    for spec in states.values():
        if not isinstance(spec, dict):
            continue
        subs = list(spec.get("Branches") or [])
        subs += [spec[k] for k in ("ItemProcessor", "Iterator") if k in spec]
        for sub in subs:
            found = isinstance(sub, dict) and _find_state(sub, name, language)
            if found:
                return found
    return None


def _runnable(spec: dict, mocked: bool, given_context: dict | None) -> dict:
    """The state as the engine runs it: no Retry, and a mocked Map/Parallel as a Task."""
    run = {k: v for k, v in spec.items() if k != "Retry"}
    if mocked and spec.get("Type") in ("Map", "Parallel"):
        dropped = _BRANCHING_ONLY | ({"Parameters"} if spec["Type"] == "Map" else set())
        run = {k: v for k, v in run.items() if k not in dropped}
        run.update(Type="Task", Resource=MOCKED)
    resource = run.get("Resource")
    if mocked and given_context and isinstance(resource, str) and resource.endswith(CALLBACK):
        run["Resource"] = resource[: -len(CALLBACK)]  # the token is the given context's
    return run


class StateTester:
    platform: Any
    clock: Any

    async def test_state(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        doc = _json(params["definition"], "definition", None)
        if not isinstance(doc, dict):
            raise invalid_definition("Invalid State Machine Definition: 'expected a JSON object'")
        if "States" in doc:
            name = params.get("stateName")
            found = _find_state(doc, name, "JSONPath") if name else None
            if not found:
                raise validation(f"State {name} does not exist in the definition")
            spec, language = found
        else:
            name, spec = params.get("stateName") or DEFAULT_NAME, doc
            language = doc.get("QueryLanguage", "JSONPath")
        if not isinstance(spec, dict):
            raise invalid_definition("Invalid State Machine Definition: 'expected a state'")
        value = _json(params.get("input"), "input", {})
        variables = _json(params.get("variables"), "variables", {})
        given_context = _json(params.get("context"), "context", None)
        if given_context is not None and not isinstance(given_context, dict):
            raise validation("The context must be a JSON object")
        mock = params.get("mock") or {}
        config = params.get("stateConfiguration") or {}
        state = _parse(name, spec, language, spec).states[name]
        run_spec = _runnable(spec, bool(mock), given_context)
        machine = _parse(name, run_spec, language, spec)

        now = [self.clock.now()]
        role = params.get("roleArn") or f"arn:aws:iam::{ctx.account_id}:role/TestState"
        context = _context(ctx, value, role, now[0])
        calls = _Collect()
        ex = _TestExecution(
            machine,
            value,
            integrations=calls,
            clock=lambda: now[0],
            name=context["Execution"]["Name"],
            state_machine_arn=context["StateMachine"]["Id"],
            execution_arn=context["Execution"]["Id"],
            role_arn=role,
        )
        ex.data["context"] = context
        ex.given_context = given_context
        if isinstance(variables, dict) and variables:
            for frame in ex.data["frames"].values():
                frame["variables"].update(variables)
        known = variables if isinstance(variables, dict) else {}
        data = StateData(state, value, _state_context(ex, state, now[0]), known)
        results: list[Any] = []
        for _ in range(MAX_STEPS):
            step = ex.step()
            if calls.requests:
                for request in calls.requests:
                    exceeded = request.resource == MOCKED and _threshold(data, config)
                    results.append(await self._answer(ctx, ex, request, mock, exceeded))
                calls.requests = []
                continue
            if step.status in ("done", "blocked") or _settled(ex, name):
                break
            if step.status == "sleeping" and step.wake_at is not None:
                now[0] = max(now[0], step.wake_at)
        return _report(ex, name, state, data, results, params)

    async def _answer(
        self,
        ctx: RequestContext,
        ex: Execution,
        request: TaskRequest,
        mock: dict,
        exceeded: bool,
    ) -> tuple[Any] | None:
        """Run (or mock) one task and give the engine its outcome; (result,) if it had one."""
        assert request.task_id is not None
        if exceeded:
            ex.complete_task(
                request.task_id, {"error": EXCEED_TOLERATED_FAILURE, "cause": THRESHOLD_CAUSE}
            )
            return None
        if "result" in mock:
            result = _json(mock["result"], "mock result", None)
            ex.complete_task(request.task_id, {"output": result})
            return (result,)
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
        return (result,)


def _parse(name: str, run_spec: dict, language: str, spec: dict) -> StateMachine:
    states = {t: {"Type": "Succeed"} for t in _targets(spec) if t != name}
    states[name] = run_spec
    machine = {"StartAt": name, "States": states, "QueryLanguage": language}
    try:
        return parse_definition(machine)
    except InvalidDefinition as exc:
        raise invalid_definition(str(exc)) from None


def _context(ctx: RequestContext, value: Any, role: str, now: float) -> dict:
    """The context object of the Express execution AWS runs the state in."""
    name = str(uuid.uuid4())
    prefix = f"arn:aws:states:{ctx.region}:{ctx.account_id}"
    return {
        "Execution": {
            "Id": f"{prefix}:express:{MACHINE_NAME}:{name}",
            "Input": value,
            "Name": name,
            "RoleArn": role,
            "StartTime": iso(now),
        },
        "StateMachine": {"Id": f"{prefix}:stateMachine:{MACHINE_NAME}", "Name": MACHINE_NAME},
    }


def _state_context(ex: _TestExecution, state: State, now: float) -> dict:
    """The context the state sees, for working out the inspection data."""
    if ex.given_context is not None:
        return ex.given_context
    entered = {"Name": state.name, "EnteredTime": iso(now)}
    if state.type == "Task":
        entered["RetryCount"] = 0
    return {**ex.data["context"], "State": entered}


def _setting(data: StateData, name: str) -> Any:
    try:
        return map_setting(None, data, data.state, name)
    except ExecutionError:
        return None


def _item_count(data: StateData) -> int:
    """How many items the Map would iterate over (ItemReader's are not read: 0)."""
    try:
        if data.jsonata:
            items = data.field("Items", data.raw)
        else:
            items = data.scope(data.effective_input()).read(data.state.get("ItemsPath", "$"))
    except (ExecutionError, PathNotFound):
        return 0
    return len(items) if isinstance(items, list) else 0


def _threshold(data: StateData, config: dict) -> bool:
    """A Map's stated iteration failures exceed its tolerance (only a stated one counts)."""
    failures = config.get("mapIterationFailureCount")
    if data.state.type != "Map" or not failures:
        return False
    count = _setting(data, "ToleratedFailureCount")
    if isinstance(count, int | float) and failures > count:
        return True
    pct = _setting(data, "ToleratedFailurePercentage")
    total = _item_count(data)
    return isinstance(pct, int | float) and total > 0 and failures * 100.0 / total > pct


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


def _retrier(state: State, error: str | None, params: dict) -> tuple[int | None, bool]:
    """(the index of the retrier that matches the error, whether it has attempts left)."""
    retriers = state.get("Retry") or []
    if error is None or state.type not in ("Task", "Parallel", "Map"):
        return None, False
    index = retry.find_retrier(retriers, error)
    if index is None:
        return None, False
    done = (params.get("stateConfiguration") or {}).get("retrierRetryCount", 0)
    return index, done < retry.max_attempts(retriers[index])


def _catch_index(state: State, error: str | None) -> int | None:
    for i, catcher in enumerate(state.get("Catch") or []):
        if retry.matches(catcher.get("ErrorEquals", []), error):
            return i
    return None


def _report(
    ex: Execution, name: str, state: State, data: StateData, results: list, params: dict
) -> dict:
    exited, error, after = _state_events(ex, name)
    failed = error or ({"error": ex.error, "cause": ex.cause} if exited is None else None)
    error_name = failed.get("error") if failed else None
    index, retriable = _retrier(state, error_name, params)
    out: dict[str, Any] = {}
    details: dict[str, Any] = {}
    if retriable:
        assert index is not None and failed is not None
        count = (params.get("stateConfiguration") or {}).get("retrierRetryCount", 0)
        backoff = retry.delay(state.get("Retry")[index], count)
        details.update(retryBackoffIntervalSeconds=int(backoff), retryIndex=index)
        out.update(status="RETRIABLE", error=error_name)
        if failed.get("cause") is not None:
            out["cause"] = failed["cause"]
    elif exited is not None:
        out["status"] = "CAUGHT_ERROR" if error is not None else "SUCCEEDED"
        out["output"] = exited["stateExitedEventDetails"]["output"]
        if error is not None:
            out["error"] = error.get("error")
            if error.get("cause") is not None:
                out["cause"] = error["cause"]
            if index is not None:
                details["retryIndex"] = index
            details["catchIndex"] = _catch_index(state, error.get("error"))
        if after is not None:
            out["nextState"] = after
    else:
        out["status"] = "FAILED"
        if ex.error is not None:
            out["error"] = ex.error
        if ex.cause is not None:
            out["cause"] = ex.cause
        if index is not None:
            details["retryIndex"] = index
    if params.get("inspectionLevel") in ("DEBUG", "TRACE"):
        out["inspectionData"] = _inspection(data, results, details)
    return out


def _inspection(data: StateData, results: list, error_details: dict) -> dict:
    """The data at each step of the state's pipeline, as far as it got."""
    state = data.state
    out: dict[str, Any] = {"input": to_json(data.raw)}
    if data.variables:
        out["variables"] = to_json(data.variables)
    outcome = results[-1] if results else None  # (the task's result,) when it had one
    try:
        if state.type == "Map":
            _map_inspection(out, data)
        elif data.jsonata:
            if state.type == "Task":
                out["afterArguments"] = to_json(data.arguments(data.raw))
                if outcome is not None:
                    out["result"] = to_json(outcome[0])
        else:
            _jsonpath_inspection(out, data, outcome)
    except ExecutionError:
        pass  # inspection shows what it can; the status says why it stopped
    if error_details:
        out["errorDetails"] = error_details
    return out


def _map_inspection(out: dict, data: StateData) -> None:
    concurrency = _setting(data, "MaxConcurrency")
    out["maxConcurrency"] = int(concurrency) if isinstance(concurrency, int | float) else 0
    count = _setting(data, "ToleratedFailureCount")
    if isinstance(count, int | float):
        out["toleratedFailureCount"] = int(count)
    pct = _setting(data, "ToleratedFailurePercentage")
    if isinstance(pct, int | float):
        out["toleratedFailurePercentage"] = float(pct)


def _jsonpath_inspection(out: dict, data: StateData, outcome: tuple | None) -> None:
    state, spec = data.state, data.state.spec
    given_result = state.type == "Pass" and "Result" in spec
    if given_result:
        outcome = (spec["Result"],)
    elif state.type != "Parallel":  # AWS shows a Parallel state's result steps only
        effective = data.effective_input()
        out["afterInputPath"] = to_json(effective)
        if state.type not in ("Task", "Pass"):
            return
        arguments = data.arguments(effective)
        out["afterParameters"] = to_json(arguments)
        if state.type == "Pass":
            outcome = (arguments,)
    if outcome is None:
        return
    result = outcome[0]
    if state.type == "Task" or given_result:
        out["result"] = to_json(result)
    if "ResultSelector" in spec:
        result = payload.render(spec["ResultSelector"], data.scope(result))
    out["afterResultSelector"] = to_json(result)
    merged = payload.apply_result_path(state.get("ResultPath", "$"), data.raw, result)
    out["afterResultPath"] = to_json(merged)
