"""A distributed Map's Map Run: its ARN, counts and settings, and what ResultWriter writes.

Every Map Run of an execution lives in the snapshot under `map_runs` (ARN -> the record
DescribeMapRun shows), so a finished execution still answers for its runs.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from strato.asl import history
from strato.asl.payload import to_json

if TYPE_CHECKING:
    from strato.asl.definition import State
    from strato.asl.execution import Execution

COUNTS = ("pending", "running", "succeeded", "failed", "timedOut", "aborted", "total")


def _arn_parts(ex: Execution) -> tuple[str, str, str]:
    """(region, account, state machine name) of this execution."""
    parts = ex.data["context"]["Execution"]["Id"].split(":")
    region = parts[3] if len(parts) > 3 else "us-east-1"
    account = parts[4] if len(parts) > 4 else "000000000000"
    name = ex.data["context"]["StateMachine"]["Name"].split(":")[0]
    return region, account, name


def label(state: State) -> str:
    return state.get("Label") or state.name


def start(ex: Execution, frame: dict, state: State, m: dict) -> str:
    """A new Map Run for the Map frame's `m`; emits MapRunStarted and returns its ARN."""
    region, account, machine = _arn_parts(ex)
    run_id = str(uuid.uuid4())
    arn = f"arn:aws:states:{region}:{account}:mapRun:{machine}/{label(state)}:{run_id}"
    weights = [len(i["Items"]) if m["batched"] else 1 for i in m["inputs"]]
    m.update(run_arn=arn, run_id=run_id, weights=weights)
    zero = dict.fromkeys(COUNTS, 0)
    ex.data.setdefault("map_runs", {})[arn] = {
        "mapRunArn": arn,
        "executionArn": ex.data["context"]["Execution"]["Id"],
        "status": "RUNNING",
        "startDate": ex.clock(),
        "stopDate": None,
        "maxConcurrency": m["concurrency"],
        "toleratedFailurePercentage": float(m["tolerated_pct"] or 0),
        "toleratedFailureCount": int(m["tolerated_count"] or 0),
        "itemCounts": {**zero, "pending": sum(weights), "total": sum(weights)},
        "executionCounts": {**zero, "pending": len(weights), "total": len(weights)},
        # index -> [start, stop, status] of each child execution started so far
        "children": {},
    }
    for counts in ("itemCounts", "executionCounts"):
        ex.data["map_runs"][arn][counts]["resultsWritten"] = 0
    ex.emit(frame, "MapRunStarted", {"mapRunArn": arn})
    return arn


def record(ex: Execution, m: dict) -> dict | None:
    return ex.data.get("map_runs", {}).get(m.get("run_arn"))


def _move(ex: Execution, m: dict, index: int, source: str, target: str) -> None:
    run = record(ex, m)
    if run is None:
        return
    for counts, weight in (("itemCounts", m["weights"][index]), ("executionCounts", 1)):
        run[counts][source] -= weight
        run[counts][target] += weight


def iteration_started(ex: Execution, m: dict, index: int) -> None:
    run = record(ex, m)
    if run is not None:
        run["children"][str(index)] = [ex.clock(), None, "RUNNING"]
        _move(ex, m, index, "pending", "running")


def iteration_finished(ex: Execution, m: dict, index: int, status: str) -> None:
    run = record(ex, m)
    if run is not None:
        child = run["children"].setdefault(str(index), [ex.clock(), None, "RUNNING"])
        child[1:] = [ex.clock(), status.upper()]
        _move(ex, m, index, "running", status)


def finish(ex: Execution, m: dict, status: str) -> None:
    run = record(ex, m)
    if run is None:
        return
    if status != "SUCCEEDED":
        _abort_running(ex, run)
    run.update(status=status, stopDate=ex.clock())


def _abort_running(ex: Execution, run: dict) -> None:
    for counts in ("itemCounts", "executionCounts"):
        run[counts]["aborted"] += run[counts]["running"]
        run[counts]["running"] = 0
    for child in run["children"].values():
        if child[2] == "RUNNING":
            child[1:] = [ex.clock(), "ABORTED"]


def close_all(ex: Execution) -> None:
    """The execution ended: a Map Run still running ends with it, aborted."""
    for run in ex.data.get("map_runs", {}).values():
        if run["status"] == "RUNNING":
            _abort_running(ex, run)
            run.update(status="ABORTED", stopDate=ex.clock())


def results_written(ex: Execution, m: dict, executions: int) -> None:
    run = record(ex, m)
    if run is not None:
        run["executionCounts"]["resultsWritten"] = executions
        run["itemCounts"]["resultsWritten"] = sum(m["weights"][:executions])


def update(
    ex: Execution,
    arn: str,
    max_concurrency: int | None,
    tolerated_pct: float | None,
    tolerated_count: int | None,
) -> bool:
    """UpdateMapRun on a running Map Run; False when the run is not running here."""
    run = ex.data.get("map_runs", {}).get(arn)
    if run is None or run["status"] != "RUNNING":
        return False
    frame = next(
        (f for f in ex.data["frames"].values() if f.get("map", {}).get("run_arn") == arn), None
    )
    if frame is None:
        return False
    m = frame["map"]
    if max_concurrency is not None:
        m["concurrency"] = run["maxConcurrency"] = max_concurrency
    if tolerated_pct is not None:
        m["tolerated_pct"] = run["toleratedFailurePercentage"] = float(tolerated_pct)
    if tolerated_count is not None:
        m["tolerated_count"] = run["toleratedFailureCount"] = tolerated_count
    frame["wake_at"] = ex.clock()  # start more iterations on the next step
    return True


def child_name(run: dict, index: int | str) -> str:
    """A child execution's name: stable for the run and the item's index."""
    return str(uuid.uuid5(uuid.UUID(run["mapRunArn"].rsplit(":", 1)[1]), str(index)))


def child_arns(run: dict) -> tuple[str, str]:
    """(prefix of the child execution ARNs, the children's state machine ARN)."""
    head = run["mapRunArn"].rsplit(":", 1)[0]
    return head.replace(":mapRun:", ":execution:", 1), head.replace(":mapRun:", ":stateMachine:", 1)


def children(run: dict) -> list[dict]:
    """The Map Run's child executions as ListExecutions shows them, newest first."""
    prefix, machine = child_arns(run)
    out = []
    for index, (started, stopped, status) in run["children"].items():
        item = {
            "executionArn": f"{prefix}:{child_name(run, index)}",
            "stateMachineArn": machine,
            "name": child_name(run, index),
            "status": status,
            "startDate": started,
            "mapRunArn": run["mapRunArn"],
            "redriveCount": 0,
        }
        if stopped is not None:
            item["stopDate"] = stopped
        out.append((started, int(index), item))
    return [item for _, _, item in sorted(out, key=lambda t: (t[0], t[1]), reverse=True)]


def writer_parameters(ex: Execution, state: State, m: dict, params: dict) -> dict:
    """What the ResultWriter integration writes: the rendered Parameters (Bucket, Prefix),
    the run's identity and one child-execution record per item, grouped by status."""
    run = record(ex, m) or {"children": {}, "mapRunArn": m["run_arn"]}
    prefix, child_machine = child_arns(run)
    groups: dict[str, list] = {"SUCCEEDED": [], "FAILED": [], "PENDING": []}
    for index, value in enumerate(m["inputs"]):
        child = run["children"].get(str(index))
        if child is None:
            groups["PENDING"].append({"Input": to_json(value), "InputDetails": {"Included": True}})
            continue
        started, stopped, status = child
        name = child_name(run, index)
        entry: dict[str, Any] = {
            "ExecutionArn": f"{prefix}:{name}",
            "Input": to_json(value),
            "InputDetails": {"Included": True},
            "Name": name,
            "RedriveCount": 0,
            "StartDate": history.iso(started),
            "StateMachineArn": child_machine,
            "Status": status,
            "StopDate": history.iso(stopped if stopped is not None else ex.clock()),
        }
        if status == "SUCCEEDED":
            entry.update(
                Output=to_json(m["results"][index]),
                OutputDetails={"Included": True},
                RedriveStatus="NOT_REDRIVABLE",
                RedriveStatusReason="Execution is SUCCEEDED and cannot be redriven",
            )
            groups["SUCCEEDED"].append(entry)
            continue
        error = m["errors"].get(str(index)) or {}
        if error.get("error"):
            entry["Error"] = error["error"]
        if error.get("cause"):
            entry["Cause"] = error["cause"]
        groups["FAILED"].append(entry)
    return {
        **params,
        "MapRunArn": m["run_arn"],
        "MapRunId": m["run_id"],
        "Results": groups,
    }
