"""Running executions: one asyncio driver per live execution, persisted as it goes.

A Standard execution's driver steps the engine and writes the snapshot and the new history
events (one transaction) before any task goes out, before it waits, and after every turn of
at most STEPS_PER_TURN steps; then it sleeps on the shared clock until the engine's next
deadline or until a task answer pokes it. Steps lost to a crash are ones no caller saw and
no task followed, so they run again identically. After a restart, `resume_all` rebuilds every
execution listed in `sfn:running` from its snapshot and history and re-launches the tasks it
was waiting on. Express executions run the same way, in memory only.

`STRATO_SFN_TIME_SCALE` (default 1) makes workflow time run faster than the shared clock:
an execution's engine clock is `anchor + (now - anchor) / scale`, with the anchor its start,
so with 0.01 a 100 s Wait takes one second (history timestamps show workflow time).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...asl import PENDING, Execution, StateMachine, StepResult, TaskRequest, parse_definition
from ...asl.execution import STANDARD_HISTORY_LIMIT
from ...platform import Platform
from ...store import keys
from ...waiting import first_of
from . import records

log = logging.getLogger("strato.stepfunctions")

STEPS_PER_TURN = 200  # then let other coroutines run


@functools.lru_cache(maxsize=256)
def parsed(definition: str) -> StateMachine:
    """A definition parsed once (executions only read the parsed machine)."""
    return parse_definition(definition)


def time_scale() -> float:
    try:
        scale = float(os.environ.get("STRATO_SFN_TIME_SCALE", "1"))
    except ValueError:
        return 1.0
    return scale if scale > 0 else 1.0


@dataclass
class Live:
    """An execution that is running in this process."""

    arn: str
    meta: dict
    execution: Execution | None = None
    express: bool = False
    persisted_events: int = 0
    indexed_runs: set[str] = field(default_factory=set)  # Map Runs already in sfn:map-runs
    new_requests: list[TaskRequest] = field(default_factory=list)
    poke: asyncio.Event = field(default_factory=asyncio.Event)
    driver: asyncio.Task | None = None
    done: asyncio.Future | None = None

    def to_real(self, t: float) -> float:
        anchor, scale = self.meta["anchor"], self.meta.get("scale", 1.0)
        return anchor + (t - anchor) * scale


class LiveIntegrations:
    """The engine's Integrations: every task is answered later, by the dispatcher."""

    def __init__(self, live: Live) -> None:
        self.live = live

    def invoke(self, request: TaskRequest) -> Any:
        self.live.new_requests.append(request)
        return PENDING


def engine_clock(now: Callable[[], float], anchor: float, scale: float) -> Callable[[], float]:
    if scale == 1.0:
        return now
    return lambda: anchor + (now() - anchor) / scale


class Runner:
    """Owns the live executions; the dispatcher (tasks) and the API call into it."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock
        self.live: dict[str, Live] = {}
        # Set by the provider: launches a task request (service call, activity, child).
        self.launch: Callable[[Live, TaskRequest, dict], None] = lambda live, req, info: None
        self.relaunch: Callable[[Live, str, dict], None] = lambda live, task_id, info: None
        self.on_finish: list[Callable[[Live], None]] = []

    # -- starting ---------------------------------------------------------------------
    def create(
        self,
        meta: dict,
        definition: str,
        input_value: Any,
        express: bool,
    ) -> Live:
        """Build the engine's execution, persist it (Standard) and start its driver."""
        live = Live(meta["executionArn"], meta, express=express)
        live.meta["anchor"] = meta["startDate"]
        live.meta["scale"] = time_scale()
        live.execution = Execution(
            parsed(definition),
            input_value,
            integrations=LiveIntegrations(live),
            clock=engine_clock(self.clock.now, meta["startDate"], live.meta["scale"]),
            name=meta["name"],
            state_machine_arn=meta["stateMachineArn"],
            execution_arn=meta["executionArn"],
            role_arn=meta.get("roleArn") or "arn:aws:iam::000000000000:role/stepfunctions",
            max_events=None if express else STANDARD_HISTORY_LIMIT,
        )
        if not express:
            self._write(live, meta_changed=True, first=True)
        self.live[live.arn] = live
        live.done = asyncio.get_running_loop().create_future()
        live.driver = asyncio.create_task(self._drive(live))
        return live

    async def resume_all(self) -> None:
        """After a restart: bring back every Standard execution that was running."""
        for key, _ in list(self.store.scan(records.RUNNING)):
            (arn,) = keys.unpack(key)
            try:
                self._resume(arn)
            except Exception:
                log.exception("could not resume execution %s", arn)

    def _resume(self, arn: str) -> None:
        meta = self.store.get(records.EXECUTIONS, keys.pack(arn))
        if meta is None or meta["status"] != "RUNNING":
            self.store.delete(records.RUNNING, keys.pack(arn))
            return
        live = self._load(meta)
        if live is None:
            self.store.delete(records.RUNNING, keys.pack(arn))
            return
        self.live[arn] = live
        for task_id in live.execution.pending_tasks():  # type: ignore[union-attr]
            info = meta.get("tasks", {}).get(task_id)
            if info is not None:
                self.relaunch(live, task_id, info)
        live.driver = asyncio.create_task(self._drive(live))

    def _load(self, meta: dict) -> Live | None:
        """A stored Standard execution, rebuilt from its snapshot and history."""
        arn = meta["executionArn"]
        snapshot = self.store.get(records.SNAPSHOTS, keys.pack(arn))
        if snapshot is None:
            return None
        lo, hi = keys.prefix_range(arn)
        snapshot["events"] = [event for _, event in self.store.scan(records.HISTORY, lo, hi)]
        live = Live(arn, meta)
        live.execution = Execution.restore(
            parsed(meta["definition"]),  # type: ignore[arg-type]
            snapshot,
            integrations=LiveIntegrations(live),
            clock=engine_clock(self.clock.now, meta["anchor"], meta.get("scale", 1.0)),
        )
        live.persisted_events = len(snapshot["events"])
        live.done = asyncio.get_running_loop().create_future()
        return live

    def redrive(self, meta: dict) -> Live | None:
        """RedriveExecution: the closed execution runs again from where it stopped."""
        live = self._load(meta)
        if live is None:
            return None
        count = live.execution.redrive()  # type: ignore[union-attr]
        now = self.clock.now()
        for closed in ("stopDate", "output", "error", "cause"):
            meta.pop(closed, None)
        meta.update(status="RUNNING", redriveCount=count, redriveDate=now)
        with self.store.transaction() as tx:
            tx.put(records.RUNNING, keys.pack(live.arn), {})
            self._write(live, meta_changed=True, tx=tx)
        self.live[live.arn] = live
        live.driver = asyncio.create_task(self._drive(live))
        return live

    async def stop(self) -> None:
        drivers = [live.driver for live in self.live.values() if live.driver is not None]
        for driver in drivers:
            driver.cancel()
        for driver in drivers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await driver

    # -- answering tasks ---------------------------------------------------------------
    def complete(self, arn: str, task_id: str, outcome: dict) -> bool:
        """A task's result or failure arrived; False when the task no longer waits."""
        live = self.live.get(arn)
        if live is None or live.execution is None:
            return False
        try:
            live.execution.complete_task(task_id, outcome)
        except KeyError:
            return False
        self.touch(live)
        return True

    def touch(self, live: Live) -> None:
        """The engine's state changed outside the driver: save it and wake the driver."""
        if not live.express:
            self._write(live, meta_changed=True)
        live.poke.set()

    # -- driving ----------------------------------------------------------------------
    async def _drive(self, live: Live) -> None:
        try:
            while True:
                result = self._advance(live)
                if result.status == "progressed":
                    await asyncio.sleep(0)
                    continue
                if result.status == "done":
                    break
                if result.status == "sleeping" and result.wake_at is not None:
                    await first_of(
                        live.poke.wait(), self.clock.sleep_until(live.to_real(result.wake_at))
                    )
                else:
                    await live.poke.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must not leave the execution hanging
            log.exception("execution %s failed in the runner", live.arn)
            if live.execution is not None:
                live.execution.stop("States.Runtime", f"Strato failed to run this step: {exc}")
        try:
            self._finish(live)
        except Exception:
            log.exception("could not record the end of execution %s", live.arn)
            self.live.pop(live.arn, None)
            if live.done is not None and not live.done.done():
                live.done.set_result(live.meta)

    def _advance(self, live: Live) -> StepResult:
        """Step for one turn. The state is saved before any task goes out and at the end of
        the turn, so what a crash can lose is only steps nobody saw, which run again."""
        live.poke.clear()  # a poke from here on wakes the next wait
        ex = live.execution
        assert ex is not None
        result = StepResult("progressed")
        for _ in range(STEPS_PER_TURN):
            result = ex.step()
            requests = self._take_requests(live)
            if requests:
                if live.express:
                    with self.store.transaction() as tx:
                        for request, info in requests:
                            self._index_request(tx, live, request, info)
                else:
                    self._write(live, requests=requests, meta_changed=True)
                for request, info in requests:
                    self.launch(live, request, info)
            if result.status != "progressed":
                break
        if not live.express:
            self._write(live)
        return result

    def _take_requests(self, live: Live) -> list[tuple[TaskRequest, dict]]:
        out = []
        for request in live.new_requests:
            info = {
                "resource": request.resource,
                "parameters": request.parameters,
                "token": request.task_token,
                "state": request.state_name,
                "timeout": request.timeout_seconds,
                "heartbeat": request.heartbeat_seconds,
                "attempt": request.retry_count,
                "kind": request.kind,
            }
            out.append((request, info))
        live.new_requests = []
        return out

    def finish_now(self, live: Live) -> None:
        """Record the end of an execution the engine has already closed (StopExecution),
        before the call returns, as AWS reports it; its driver is cancelled, not woken."""
        if live.driver is not None and live.driver is not asyncio.current_task():
            live.driver.cancel()
        self._finish(live)

    def _finish(self, live: Live) -> None:
        ex = live.execution
        assert ex is not None
        live.meta.update(
            status=ex.status,
            stopDate=live.to_real(ex.data["stopped"]) if ex.data["stopped"] else self.clock.now(),
            output=ex.output if ex.status == "SUCCEEDED" else None,
            error=ex.error,
            cause=ex.cause,
        )
        live.meta.pop("tasks", None)
        if not live.express:
            self._write(live, meta_changed=True)
        self.live.pop(live.arn, None)
        if live.done is not None and not live.done.done():
            live.done.set_result(live.meta)
        for callback in self.on_finish:
            try:
                callback(live)
            except Exception:
                log.exception("finishing %s", live.arn)

    # -- persistence ------------------------------------------------------------------
    def _write(
        self,
        live: Live,
        *,
        requests: list[tuple[TaskRequest, dict]] = (),  # type: ignore[assignment]
        meta_changed: bool = False,
        first: bool = False,
        tx: Any = None,
    ) -> None:
        ex = live.execution
        assert ex is not None
        if requests:
            tasks = live.meta.setdefault("tasks", {})
            waiting = ex.pending_tasks()
            for task_id in [t for t in tasks if t not in waiting]:
                del tasks[task_id]
            for request, info in requests:
                tasks[request.task_id] = info
        if ex.status != "RUNNING" and live.meta["status"] == "RUNNING":
            meta_changed = True
        with contextlib.ExitStack() as stack:
            if tx is None:
                tx = stack.enter_context(self.store.transaction())
            key = keys.pack(live.arn)
            snapshot = {k: v for k, v in ex.data.items() if k != "events"}
            tx.put(records.SNAPSHOTS, key, snapshot)
            events = ex.data["events"]
            for event in events[live.persisted_events :]:
                tx.put(records.HISTORY, records.history_key(live.arn, event["id"]), event)
            if meta_changed:
                tx.put(records.EXECUTIONS, key, live.meta)
            if first:
                tx.put(records.RUNNING, key, {})
                tx.put(
                    records.BY_MACHINE,
                    records.by_machine_key(
                        live.meta["machineArn"], live.meta["startDate"], live.arn
                    ),
                    {},
                )
            if live.meta["status"] != "RUNNING":
                tx.delete(records.RUNNING, key)
            for request, info in requests:
                self._index_request(tx, live, request, info)
            for run_arn in ex.data.get("map_runs", {}):
                if run_arn not in live.indexed_runs:
                    tx.put(records.MAP_RUNS, keys.pack(run_arn), {"execution": live.arn})
                    live.indexed_runs.add(run_arn)
        live.persisted_events = len(ex.data["events"])

    def _index_request(self, tx: Any, live: Live, request: TaskRequest, info: dict) -> None:
        if request.task_token:
            tx.put(
                records.TOKENS,
                keys.pack(request.task_token),
                {"execution": live.arn, "task": request.task_id},
            )
        if ":activity:" in request.resource and request.resource.startswith("arn:"):
            seq = f"{self.clock.now_ms():015d}-{request.task_id}"
            tx.put(
                records.ACTIVITY_TASKS,
                keys.pack(request.resource, seq),
                {
                    "token": request.task_token,
                    "execution": live.arn,
                    "input": json.dumps(request.parameters, separators=(",", ":")),
                },
            )
