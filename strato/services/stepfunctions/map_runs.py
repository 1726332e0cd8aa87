"""Map Runs: DescribeMapRun, ListMapRuns, UpdateMapRun, and ListExecutions by mapRunArn.

The engine keeps each Map Run's record in the execution's snapshot (`map_runs`);
`sfn:map-runs` says which execution holds a given Map Run ARN.
"""

from __future__ import annotations

from typing import Any

from ...asl import map_run
from ...auth import RequestContext
from ...store import keys
from . import records
from .errors import invalid_arn, resource_not_found, validation
from .pagination import page, with_token
from .runner import Runner

_FIELDS = (
    "mapRunArn",
    "executionArn",
    "status",
    "startDate",
    "maxConcurrency",
    "toleratedFailurePercentage",
    "toleratedFailureCount",
    "itemCounts",
    "executionCounts",
)


def _check_map_run_arn(arn: str) -> None:
    parts = arn.split(":")
    if len(parts) != 8 or parts[:3] != ["arn", "aws", "states"] or parts[5] != "mapRun":
        raise invalid_arn(arn)


def _machine_arn(run_arn: str) -> str:
    """The Map Run's own state machine ARN: `...:stateMachine:<machine>/<label>`."""
    head, _, _ = run_arn.rpartition(":")
    return head.replace(":mapRun:", ":stateMachine:", 1)


class MapRuns:
    store: Any
    runner: Runner
    execution_meta: Any
    _require_execution: Any

    def _runs_of(self, execution_arn: str) -> dict[str, dict]:
        live = self.runner.live.get(execution_arn)
        if live is not None and live.execution is not None:
            return live.execution.data.get("map_runs", {})
        snapshot = self.store.get(records.SNAPSHOTS, keys.pack(execution_arn)) or {}
        return snapshot.get("map_runs", {})

    def _map_run(self, arn: str) -> dict:
        _check_map_run_arn(arn)
        index = self.store.get(records.MAP_RUNS, keys.pack(arn))
        run = self._runs_of(index["execution"]).get(arn) if index else None
        if run is None:
            raise resource_not_found(arn)
        return run

    def describe_map_run(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        run = self._map_run(params["mapRunArn"])
        out = {name: run[name] for name in _FIELDS}
        if run.get("stopDate") is not None:
            out["stopDate"] = run["stopDate"]
        out["redriveCount"] = 0
        return out

    def list_map_runs(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        execution = params["executionArn"]
        self._require_execution(execution)
        runs = sorted(self._runs_of(execution).values(), key=lambda r: r["startDate"])
        items = []
        for run in runs:
            item = {
                "executionArn": execution,
                "mapRunArn": run["mapRunArn"],
                "stateMachineArn": _machine_arn(run["mapRunArn"]),
                "startDate": run["startDate"],
            }
            if run.get("stopDate") is not None:
                item["stopDate"] = run["stopDate"]
            items.append(item)
        chunk, token = page(items, params)
        return with_token({"mapRuns": chunk}, token)

    def list_map_run_executions(self, params: dict[str, Any]) -> dict:
        """ListExecutions with a mapRunArn: the Map Run's child executions, newest first."""
        run = self._map_run(params["mapRunArn"])
        wanted = params.get("statusFilter")
        items = [c for c in map_run.children(run) if not wanted or c["status"] == wanted]
        chunk, token = page(items, params)
        return with_token({"executions": chunk}, token)

    def update_map_run(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = params["mapRunArn"]
        concurrency = params.get("maxConcurrency")
        pct = params.get("toleratedFailurePercentage")
        count = params.get("toleratedFailureCount")
        if concurrency is None and pct is None and count is None:
            raise validation(
                "At least one of the parameters maxConcurrency, toleratedFailurePercentage or "
                "toleratedFailureCount must be specified"
            )
        if pct is not None and not 0 <= pct <= 100:
            raise validation(
                "1 validation error detected: Value at 'toleratedFailurePercentage' failed to "
                "satisfy constraint: Member must have value between 0 and 100"
            )
        run = self._map_run(arn)
        live = self.runner.live.get(run["executionArn"])
        if live is None or live.execution is None or run["status"] != "RUNNING":
            return {}  # a finished run keeps its settings
        if map_run.update(live.execution, arn, concurrency, pct, count):
            self.runner.touch(live)
        return {}
