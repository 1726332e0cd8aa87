"""Parallel and Map (inline, and distributed run as inline without per-item history)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from strato.asl import jsonata, map_items, map_run, payload
from strato.asl.definition import State
from strato.asl.errors import (
    EXCEED_TOLERATED_FAILURE,
    ITEM_READER_FAILED,
    QUERY_EVALUATION_ERROR,
    RUNTIME,
    ExecutionError,
    PathNotFound,
)
from strato.asl.integrations import ITEM_READER, RESULT_WRITER, Pending, TaskRequest

if TYPE_CHECKING:
    from strato.asl.execution import Execution

# AWS runs at most 40 inline iterations at once when MaxConcurrency is 0 (unlimited).
INLINE_CONCURRENCY = 40
DISTRIBUTED_CONCURRENCY = 1000


# --- Parallel ------------------------------------------------------------------------------


def run_parallel(ex: Execution, frame: dict, state: State) -> None:
    data = ex.state_data(frame, state)
    branch_input = data.arguments(data.effective_input())
    ex.emit(frame, "ParallelStateStarted")
    frame["phase"] = "children"
    frame["children"] = []
    frame["results"] = [None] * len(state.branches)
    path = frame["machine"]
    for i, branch in enumerate(state.branches):
        child = ex.new_frame(
            frame,
            [*path, [state.name, "branch", i]],
            branch.start_at,
            branch_input,
            frame["variables"],
            frame["silent"],
            {"index": i},
        )
        frame["children"].append(child["id"])


def _resume_parallel(ex: Execution, frame: dict, state: State) -> None:
    kids = ex.children(frame)
    failed = next((c for c in kids if c["done"] and c["result"].get("failed")), None)
    if failed is not None:
        _abort(kids)
        frame["children"] = []
        frame["phase"] = "run"
        r = failed["result"]
        raise ExecutionError(r["error"], r["cause"], propagated=True)
    for c in kids:
        if c["done"]:
            c["reported"] = True
            frame["results"][c["index"]] = c["result"]["output"]
    frame["children"] = [c["id"] for c in kids if not c["reported"]]
    if frame["children"]:
        return
    results = frame.pop("results")
    frame["phase"] = "run"
    _finish(ex, frame, state, results)


def _finish(ex: Execution, frame: dict, state: State, results: list) -> None:
    data = ex.state_data(frame, state)
    assigned = data.assign(state.get("Assign"), results)
    ex.set_exit(frame, data.output(results), state.next, assigned)


def _abort(kids: list[dict]) -> None:
    for c in kids:
        if not c["done"]:
            c["done"] = True
            c["phase"] = "done"
            c["result"] = {"aborted": True}
        c["reported"] = True


# --- Map -------------------------------------------------------------------------------------


def _int_setting(ex, data, state: State, name: str, kind: str = "integer") -> Any:
    spec = state.spec
    if data.jsonata:
        return data.field(name)
    if f"{name}Path" in spec:
        path = spec[f"{name}Path"]
        try:
            value = data.scope(data.raw).read(path)
        except PathNotFound as exc:
            raise ExecutionError(
                RUNTIME, f"The {name}Path field refers to a value that does not exist: {path}"
            ) from exc
        parsed = _as_number(value, kind)
        if parsed is None:
            raise ExecutionError(
                RUNTIME,
                f'The {name}Path field refers to value "{_show(value)}" which is not a valid '
                f"{kind}: {path}",
            )
        return parsed
    return spec.get(name)


def _show(value: Any) -> str:
    return value if isinstance(value, str) else payload.to_json(value)


def _as_number(value: Any, kind: str) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value) if kind == "float" else int(value)
        except ValueError:
            return None
    if isinstance(value, float) and kind == "integer":
        return int(value) if value.is_integer() else None
    return value if isinstance(value, int | float) else None


def _items(data, state: State, effective: Any) -> list:
    if data.jsonata:
        if "Items" in state.spec:
            value = state.spec["Items"]
            items = data.field("Items")
            if jsonata.is_expression(value):
                jsonata.expect_type(items, "array", value, "Items")
            elif not isinstance(items, list):
                raise ExecutionError(
                    QUERY_EVALUATION_ERROR,
                    f"Map state input must be an array but was: {payload.to_json(items)}",
                )
            return items
        if not isinstance(data.raw, list):
            raise ExecutionError(
                QUERY_EVALUATION_ERROR,
                f"Map state input must be an array but was: {payload.to_json(data.raw)}",
            )
        return data.raw
    path = state.get("ItemsPath", "$")
    try:
        items = data.scope(effective).read(path)
    except PathNotFound as exc:
        raise ExecutionError(
            RUNTIME, f"Invalid path '{path}' : No results for path: {exc.normalized}"
        ) from exc
    if not isinstance(items, list):
        raise ExecutionError(
            RUNTIME,
            f"Invalid path '{path}': The Map state's items path references a value that is "
            f"not an array: {payload.to_json(items)}",
        )
    return items


def _item_input(data, state: State, effective: Any, index: int, value: Any) -> Any:
    template = state.get("ItemSelector", state.get("Parameters"))
    if template is None:
        return value
    map_ctx = {"Item": {"Index": index, "Value": value}}
    if data.jsonata:
        context = {**data.context, "Map": map_ctx}
        states = {"input": data.raw, "context": context}
        return jsonata.render(template, "ItemSelector", {**data.variables, "states": states})
    scope = payload.Scope(effective, {**data.context, "Map": map_ctx}, data.variables)
    return payload.render(template, scope)


def run_map(ex: Execution, frame: dict, state: State) -> None:
    data = ex.state_data(frame, state)
    effective = data.effective_input()
    if "ItemReader" in state.spec:
        items = map_items.read_items(ex, frame, data, state, effective)
        if items is None:
            return  # parked until the reader answers (resume_io)
    else:
        items = _items(data, state, effective)
    _start_map(ex, frame, state, items)


def _start_map(ex: Execution, frame: dict, state: State, items: list) -> None:
    data = ex.state_data(frame, state)
    effective = data.effective_input()
    concurrency = _int_setting(ex, data, state, "MaxConcurrency") or 0
    ex.emit(frame, "MapStateStarted", {"length": len(items)})
    tolerated_count = _int_setting(ex, data, state, "ToleratedFailureCount")
    tolerated_pct = _int_setting(ex, data, state, "ToleratedFailurePercentage", "float")
    if tolerated_count is not None and tolerated_count < 0:
        raise ExecutionError(RUNTIME, "ToleratedFailureCount cannot be negative.")
    if tolerated_pct is not None and not 0 <= tolerated_pct <= 100:
        raise ExecutionError(RUNTIME, "ToleratedFailurePercentage must be between 0 and 100.")
    inputs = [_item_input(data, state, effective, i, v) for i, v in enumerate(items)]
    inputs = map_items.batch(data, state, effective, inputs)
    processor = state.get("ItemProcessor", state.get("Iterator")) or {}
    distributed = (processor.get("ProcessorConfig") or {}).get("Mode") == "DISTRIBUTED"
    frame["map"] = {
        "inputs": inputs,
        "results": [None] * len(inputs),
        "errors": {},
        "next_index": 0,
        "failures": 0,
        "concurrency": int(concurrency),
        "tolerated_count": tolerated_count,
        "tolerated_pct": tolerated_pct,
        "distributed": distributed,
        "batched": bool(state.get("ItemBatcher")),
    }
    if distributed:
        map_run.start(ex, frame, state, frame["map"])
    frame["children"] = []
    frame["phase"] = "children"
    if not inputs:
        _complete_map(ex, frame, state)
        return
    _start_iterations(ex, frame, state)


def _start_iterations(ex: Execution, frame: dict, state: State) -> None:
    m = frame["map"]
    running = sum(1 for c in ex.children(frame) if not c["done"])
    limit = m["concurrency"] or (
        DISTRIBUTED_CONCURRENCY if m["distributed"] else INLINE_CONCURRENCY
    )
    while m["next_index"] < len(m["inputs"]) and running < limit:
        i = m["next_index"]
        m["next_index"] += 1
        silent = frame["silent"] or m["distributed"]
        if not silent:
            ex.emit(frame, "MapIterationStarted", {"name": state.name, "index": i})
        map_run.iteration_started(ex, m, i)
        child = ex.new_frame(
            frame,
            [*frame["machine"], [state.name, "processor", 0]],
            state.processor.start_at,
            m["inputs"][i],
            frame["variables"],
            silent,
            {"index": i},
        )
        frame["children"].append(child["id"])
        running += 1


def _tolerance_exceeded(m: dict) -> bool:
    total = sum(len(i["Items"]) for i in m["inputs"]) if m.get("batched") else len(m["inputs"])
    if m["tolerated_count"] is not None and m["failures"] > m["tolerated_count"]:
        return True
    if m["tolerated_pct"] is not None and total:
        if m["failures"] * 100.0 / total > m["tolerated_pct"]:
            return True
    return m["tolerated_count"] is None and m["tolerated_pct"] is None and m["failures"] > 0


def _resume_map(ex: Execution, frame: dict, state: State) -> None:
    frame["wake_at"] = None
    m = frame["map"]
    silent = frame["silent"] or m["distributed"]
    kids = ex.children(frame)
    finished = sorted(
        (c for c in kids if c["done"] and not c["reported"]), key=lambda c: c["index"]
    )
    for c in finished:
        c["reported"] = True
        r = c["result"]
        if r.get("failed"):
            # Thresholds count failed items: a failed batch fails all of its items.
            m["failures"] += len(m["inputs"][c["index"]]["Items"]) if m.get("batched") else 1
            m["errors"][str(c["index"])] = {"error": r["error"], "cause": r["cause"]}
            map_run.iteration_finished(ex, m, c["index"], "failed")
            if not silent:
                ex.emit(frame, "MapIterationFailed", {"name": state.name, "index": c["index"]})
            if _tolerance_exceeded(m):
                _abort(kids)
                frame["children"] = []
                if m["tolerated_count"] is None and m["tolerated_pct"] is None:
                    failure = {"error": r["error"], "cause": r["cause"]}
                else:
                    failure = {
                        "error": EXCEED_TOLERATED_FAILURE,
                        "cause": "The specified tolerated failure threshold was exceeded",
                    }
                _fail_map(ex, frame, state, failure)
                return
        else:
            m["results"][c["index"]] = r["output"]
            map_run.iteration_finished(ex, m, c["index"], "succeeded")
            if not silent:
                ex.emit(frame, "MapIterationSucceeded", {"name": state.name, "index": c["index"]})
    frame["children"] = [c["id"] for c in kids if not c["reported"]]
    _start_iterations(ex, frame, state)
    if not frame["children"]:
        _complete_map(ex, frame, state)


def _fail_map(ex: Execution, frame: dict, state: State, failure: dict) -> None:
    m = frame["map"]
    frame["phase"] = "run"
    if m["distributed"]:
        ex.emit(frame, "MapRunFailed", failure)
        map_run.finish(ex, m, "FAILED")
        if _write_results(ex, frame, state, failure):
            return
    frame.pop("map")
    raise ExecutionError(failure["error"], failure["cause"], propagated=True)


def _complete_map(ex: Execution, frame: dict, state: State) -> None:
    m = frame["map"]
    frame["phase"] = "run"
    if m["distributed"]:
        ex.emit(frame, "MapRunSucceeded")
        map_run.finish(ex, m, "SUCCEEDED")
        if _write_results(ex, frame, state, None):
            return
    frame.pop("map")
    ex.emit(frame, "MapStateSucceeded")
    _finish(ex, frame, state, m["results"])


def _write_results(ex: Execution, frame: dict, state: State, failure: dict | None) -> bool:
    """ResultWriter: ask the integration to write the run's results; True when parked."""
    writer = state.get("ResultWriter") or {}
    if not writer.get("Resource") or ex.integrations is None:
        return False
    data = ex.state_data(frame, state)
    if data.jsonata:
        params = data.field("ResultWriter", {}).get("Arguments", {})
    else:
        params = payload.render(writer.get("Parameters", {}), data.scope(data.effective_input()))
    m = frame["map"]
    task_id = str(uuid.uuid4())
    request = TaskRequest(
        resource=writer["Resource"],
        parameters=map_run.writer_parameters(ex, state, m, params),
        state_name=state.name,
        execution_arn=ex.data["context"]["Execution"]["Id"],
        task_id=task_id,
        kind=RESULT_WRITER,
    )
    answer = ex.integrations.invoke(request)
    map_items.park(ex, frame, RESULT_WRITER, task_id, {"failure": failure})
    if not isinstance(answer, Pending):
        frame["pending"]["resolved"] = {"output": answer}
    return True


def resume_io(ex: Execution, frame: dict, state: State) -> None:
    """The ItemReader's items or the ResultWriter's answer arrived."""
    pending = map_items.take_answer(ex, frame)
    outcome = pending["resolved"]
    if pending["kind"] == ITEM_READER:
        if "output" not in outcome:
            raise ExecutionError(
                outcome.get("error") or ITEM_READER_FAILED, outcome.get("cause"), propagated=True
            )
        _start_map(ex, frame, state, map_items.limited(outcome["output"], pending["limit"]))
        return
    m = frame.pop("map")
    if "output" not in outcome:
        raise ExecutionError(outcome.get("error"), outcome.get("cause"), propagated=True)
    written = outcome["output"] or {}
    map_run.results_written(ex, m, m["next_index"])
    failure = pending["failure"]
    if failure is not None:
        raise ExecutionError(failure["error"], failure["cause"], propagated=True)
    ex.emit(frame, "MapStateSucceeded")
    details = {"Bucket": written.get("Bucket"), "Key": written.get("Key")}
    _finish(ex, frame, state, {"MapRunArn": m["run_arn"], "ResultWriterDetails": details})


def resume(ex: Execution, frame: dict, state: State) -> None:
    if state.type == "Parallel":
        _resume_parallel(ex, frame, state)
    else:
        _resume_map(ex, frame, state)


HANDLERS = {"Parallel": run_parallel, "Map": run_map}
