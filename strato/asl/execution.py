"""An execution, driven one step at a time, whose whole state is a JSON document.

The work is split into frames: the top-level machine is one, and every Parallel branch
and Map iteration is another. step() advances one runnable frame by one history event
or so, round-robin, so branches interleave as they do on AWS. Nothing here sleeps: a
Wait or a Retry back-off parks its frame until the injected clock reaches a deadline,
and step() reports that deadline to the caller.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from strato.asl import branching, history, map_run, retry, states, task_state
from strato.asl.definition import State, StateMachine, parse_definition
from strato.asl.errors import (
    DATA_LIMIT_EXCEEDED,
    QUERY_EVALUATION_ERROR,
    RUNTIME,
    TIMEOUT,
    ExecutionError,
)
from strato.asl.integrations import ITEM_READER, RESULT_WRITER, Integrations
from strato.asl.payload import to_json
from strato.asl.state_data import StateData

MAX_PAYLOAD_BYTES = 256 * 1024
# AWS's hard quota for a Standard execution's history (Express executions have none).
STANDARD_HISTORY_LIMIT = 25_000
HISTORY_LIMIT_CAUSE = (
    "The execution reached the execution history limit of 25,000 events and was stopped."
)
_CLOSING_EVENTS = frozenset(
    {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}
)


class HistoryLimitReached(Exception):
    """The next event would be number `max_events` and does not close the execution."""


RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED = (
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
    "TIMED_OUT",
    "ABORTED",
)


@dataclass
class StepResult:
    """What the caller should do next: keep stepping, sleep until `wake_at`, wait for a
    task callback (`blocked`), or stop (`done`)."""

    status: str  # "progressed" | "sleeping" | "blocked" | "done"
    wake_at: float | None = None


class Execution:
    def __init__(
        self,
        definition: str | dict | StateMachine,
        input: Any = None,
        *,
        integrations: Integrations | None = None,
        clock: Callable[[], float] | None = None,
        name: str | None = None,
        state_machine_arn: str = "arn:aws:states:us-east-1:000000000000:stateMachine:machine",
        execution_arn: str | None = None,
        role_arn: str = "arn:aws:iam::000000000000:role/stepfunctions",
        snapshot: dict | None = None,
        max_events: int | None = None,
    ):
        if isinstance(definition, StateMachine):
            self.machine = definition
        else:
            self.machine = parse_definition(definition)
        self.integrations = integrations
        self.clock = clock or time.time
        if snapshot is not None:
            self.data = snapshot
            return
        name = name or str(uuid.uuid4())
        sm_name = state_machine_arn.rsplit(":", 1)[-1]
        if execution_arn is None:
            prefix = state_machine_arn.replace(":stateMachine:", ":execution:")
            execution_arn = f"{prefix}:{name}"
        input = {} if input is None else input
        now = self.clock()
        self.data: dict = {
            "status": RUNNING,
            "output": None,
            "error": None,
            "cause": None,
            "started": now,
            "stopped": None,
            "deadline": now + self.machine.timeout_seconds
            if self.machine.timeout_seconds
            else None,
            "context": {
                "Execution": {
                    "Id": execution_arn,
                    "Input": input,
                    "StartTime": history.iso(now),
                    "Name": name,
                    "RoleArn": role_arn,
                    "RedriveCount": 0,
                },
                "StateMachine": {"Id": state_machine_arn, "Name": sm_name},
            },
            "events": [],
            "frames": {},
            "order": [],
            "last_stepped": None,
            "next_frame": 0,
            "tokens": {},
            "max_events": max_events,
        }
        root = self.new_frame(None, [], self.machine.start_at, input, {}, silent=False)
        self.emit(
            root,
            "ExecutionStarted",
            {
                "input": to_json(input),
                "inputDetails": {"truncated": False},
                "roleArn": role_arn,
            },
        )

    # --- snapshot ---------------------------------------------------------------------

    def snapshot(self) -> dict:
        """A JSON-serialisable copy of everything needed to resume."""
        return copy.deepcopy(self.data)

    @classmethod
    def restore(cls, definition: str | dict, snapshot: dict, **kwargs: Any) -> Execution:
        return cls(definition, snapshot=copy.deepcopy(snapshot), **kwargs)

    # --- public view ------------------------------------------------------------------

    @property
    def status(self) -> str:
        return self.data["status"]

    @property
    def output(self) -> Any:
        return self.data["output"]

    @property
    def error(self) -> str | None:
        return self.data["error"]

    @property
    def cause(self) -> str | None:
        return self.data["cause"]

    @property
    def events(self) -> list[dict]:
        return self.data["events"]

    # --- frames -----------------------------------------------------------------------

    def new_frame(
        self,
        parent: dict | None,
        machine_path: list,
        state: str,
        input: Any,
        variables: dict,
        silent: bool,
        extra: dict | None = None,
    ) -> dict:
        fid = str(self.data["next_frame"])
        self.data["next_frame"] += 1
        frame = {
            "id": fid,
            "parent": parent["id"] if parent else None,
            "machine": machine_path,
            "state": state,
            "input": input,
            "phase": "enter",
            "variables": dict(variables),
            "silent": silent,
            "last_event": parent["last_event"] if parent else 0,
            "entered_event": None,
            "entered_time": None,
            "wake_at": None,
            "retry_counts": {},
            "pending": None,
            "done": False,
            "reported": False,
            "result": None,
            **(extra or {}),
        }
        self.data["frames"][fid] = frame
        self.data["order"].append(fid)
        return frame

    def machine_of(self, frame: dict) -> StateMachine:
        m = self.machine
        for state_name, kind, index in frame["machine"]:
            st = m.states[state_name]
            m = st.branches[index] if kind == "branch" else st.processor
        return m

    def state_of(self, frame: dict) -> State:
        return self.machine_of(frame).states[frame["state"]]

    def children(self, frame: dict) -> list[dict]:
        return [self.data["frames"][c] for c in frame.get("children", [])]

    def emit(self, frame: dict, event_type: str, details: dict | None = None) -> int:
        if frame["silent"]:
            return frame["last_event"]
        events = self.data["events"]
        event_id = len(events) + 1
        limit = self.data.get("max_events")
        if limit and event_id >= limit and event_type not in _CLOSING_EVENTS:
            raise HistoryLimitReached
        events.append(
            history.make_event(event_id, frame["last_event"], self.clock(), event_type, details)
        )
        frame["last_event"] = event_id
        return event_id

    def context_for(self, frame: dict, state: State, **extra: Any) -> dict:
        ctx = dict(self.data["context"])
        ctx["State"] = {"Name": state.name, "EnteredTime": frame["entered_time"]}
        if state.type == "Task":
            ctx["State"]["RetryCount"] = sum(frame["retry_counts"].values())
        ctx.update(extra)
        return ctx

    def state_data(self, frame: dict, state: State) -> StateData:
        return StateData(state, frame["input"], self.context_for(frame, state), frame["variables"])

    # --- driving ----------------------------------------------------------------------

    def runnable(self, frame: dict) -> bool:
        if frame["done"]:
            return False
        phase = frame["phase"]
        if phase in ("enter", "run", "exit"):
            return frame["wake_at"] is None or frame["wake_at"] <= self.clock()
        if phase == "wait":
            return frame["wake_at"] <= self.clock()
        if phase == "children":
            if frame["wake_at"] is not None and frame["wake_at"] <= self.clock():
                return True  # UpdateMapRun changed the Map's settings
            return any(c["done"] and not c["reported"] for c in self.children(frame))
        if phase == "task":
            return frame["pending"].get("resolved") is not None or (
                frame["wake_at"] is not None and frame["wake_at"] <= self.clock()
            )
        return False

    def step(self) -> StepResult:
        if self.data["status"] != RUNNING:
            return StepResult("done")
        deadline = self.data["deadline"]
        if deadline is not None and self.clock() >= deadline:
            self._time_out()
            return StepResult("done")
        order = self.data["order"]
        start = 0
        if self.data["last_stepped"] in order:
            start = order.index(self.data["last_stepped"]) + 1
        n = len(order)
        for k in range(n):
            fid = order[(start + k) % n]
            frame = self.data["frames"][fid]
            if self.runnable(frame):
                self.data["last_stepped"] = fid
                try:
                    self._step_frame(frame)
                except HistoryLimitReached:
                    self._fail_on_history_limit()
                self._collect()
                return StepResult("done" if self.data["status"] != RUNNING else "progressed")
        wakes = [
            f["wake_at"]
            for f in (self.data["frames"][i] for i in order)
            if not f["done"] and f["wake_at"] is not None
        ]
        if deadline is not None:
            wakes.append(deadline)
        if wakes:
            return StepResult("sleeping", min(wakes))
        return StepResult("blocked")

    def run(self, max_steps: int = 1_000_000) -> StepResult:
        """Step until the execution ends or must wait for the clock or a callback."""
        result = StepResult("progressed")
        for _ in range(max_steps):
            result = self.step()
            if result.status != "progressed":
                return result
        return result

    def _collect(self) -> None:
        """Forget frames whose parent has taken their result."""
        frames = self.data["frames"]
        keep = []
        for fid in self.data["order"]:
            f = frames[fid]
            if f["done"] and (f["reported"] or f["parent"] is None):
                continue
            keep.append(fid)
        self.data["order"] = keep
        for fid in [fid for fid, f in frames.items() if f["done"] and f["reported"]]:
            del frames[fid]

    def _step_frame(self, frame: dict) -> None:
        state = self.state_of(frame)
        try:
            phase = frame["phase"]
            if phase == "enter":
                frame["entered_time"] = history.iso(self.clock())
                frame["entered_event"] = self.emit(
                    frame, f"{state.type}StateEntered", history.entered(state.name, frame["input"])
                )
                frame["retry_counts"] = {}
                frame["phase"] = "run"
                self._run(frame, state)
            elif phase == "run":
                frame["wake_at"] = None
                self._run(frame, state)
            elif phase == "wait":
                frame["wake_at"] = None
                frame["phase"] = "exit"
                self._exit(frame, state)
            elif phase == "exit":
                self._exit(frame, state)
            elif phase == "children":
                branching.resume(self, frame, state)
            elif phase == "task" and frame["pending"]["kind"] in (ITEM_READER, RESULT_WRITER):
                branching.resume_io(self, frame, state)
            elif phase == "task":
                task_state.resume_task(self, frame, state)
        except ExecutionError as exc:
            self.handle_error(frame, state, exc)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError) as exc:
            # An input shape the engine did not foresee fails the execution, not the caller.
            self.handle_error(frame, state, ExecutionError(RUNTIME, f"{type(exc).__name__}: {exc}"))

    def _run(self, frame: dict, state: State) -> None:
        handler = states.HANDLERS.get(state.type) or branching.HANDLERS[state.type]
        handler(self, frame, state)

    def set_exit(self, frame: dict, output: Any, next_state: str | None, assigned: Any) -> None:
        """Park the state's output; the next step records the Exited event."""
        frame["phase"] = "exit"
        frame["pending"] = {"output": output, "next": next_state, "assigned": assigned}

    def _exit(self, frame: dict, state: State) -> None:
        pending = frame["pending"]
        output = pending["output"]
        if len(to_json(output).encode()) > MAX_PAYLOAD_BYTES:
            raise ExecutionError(
                DATA_LIMIT_EXCEEDED,
                f"The state/task '{state.name}' returned a result with a size exceeding the "
                "maximum number of bytes service limit.",
                propagated=True,
            )
        assigned = pending["assigned"]
        self.emit(frame, f"{state.type}StateExited", history.exited(state.name, output, assigned))
        if assigned:
            frame["variables"].update(assigned)
        frame["pending"] = None
        if pending["next"] is None:
            self.finish_frame(frame, output=output)
        else:
            frame["state"] = pending["next"]
            frame["input"] = output
            frame["phase"] = "enter"

    def handle_error(self, frame: dict, state: State, exc: ExecutionError) -> None:
        cause = exc.cause
        if not exc.propagated and frame["entered_event"] is not None:
            cause = (
                f"An error occurred while executing the state '{state.name}' (entered at the "
                f"event id #{frame['entered_event']}). {cause}"
            )
        if exc.error == QUERY_EVALUATION_ERROR and not exc.propagated:
            details = {"error": exc.error, "cause": cause}
            if exc.location:
                details["location"] = exc.location
            details["state"] = state.name
            self.emit(frame, "EvaluationFailed", details)
        if state.type in ("Task", "Parallel", "Map") and frame["phase"] != "exit":
            retriers = state.get("Retry") or []
            idx = retry.find_retrier(retriers, exc.error)
            if idx is not None:
                count = frame["retry_counts"].get(str(idx), 0)
                if count < retry.max_attempts(retriers[idx]):
                    frame["retry_counts"][str(idx)] = count + 1
                    frame["phase"] = "run"
                    frame["wake_at"] = self.clock() + retry.delay(retriers[idx], count)
                    return
            if state.type != "Task" and (exc.propagated or exc.error != RUNTIME):
                # AWS records the failure of the Map/Parallel state once it is not retried.
                self.emit(frame, f"{state.type}StateFailed")
            catcher = retry.find_catcher(state.get("Catch") or [], exc.error)
            if catcher is not None:
                data = self.state_data(frame, state)
                error_output = retry.error_output(exc.error, cause)
                try:
                    output = data.catch_output(catcher, error_output)
                    assigned = data.assign(catcher.get("Assign"), None, error_output)
                except ExecutionError as inner:
                    self.finish_frame(frame, error=inner.error, cause=inner.cause, failed=True)
                    return
                self.set_exit(frame, output, catcher["Next"], assigned)
                return
        self.finish_frame(frame, error=exc.error, cause=cause, failed=True)

    def finish_frame(
        self,
        frame: dict,
        output: Any = None,
        error: str | None = None,
        cause: str | None = None,
        failed: bool = False,
    ) -> None:
        failed = failed or error is not None
        frame["done"] = True
        frame["phase"] = "done"
        frame["result"] = (
            {"error": error, "cause": cause, "failed": True} if failed else {"output": output}
        )
        if frame["parent"] is not None:
            return
        if failed:
            self.emit(frame, "ExecutionFailed", history.failure(error, cause))
            self._stop(FAILED, error=error, cause=cause)
        else:
            self.emit(frame, "ExecutionSucceeded", history.with_output(output))
            self._stop(SUCCEEDED, output=output)

    def _stop(self, status: str, output: Any = None, error: Any = None, cause: Any = None):
        self.data.update(status=status, output=output, error=error, cause=cause)
        self.data["stopped"] = self.clock()
        for f in self.data["frames"].values():
            f["done"] = True
        map_run.close_all(self)

    def _fail_on_history_limit(self) -> None:
        """AWS logs ExecutionFailed as event 25,000 when that event would not end the run."""
        root = next(f for f in self.data["frames"].values() if f["parent"] is None)
        root["last_event"] = len(self.data["events"])
        self.emit(root, "ExecutionFailed", history.failure(RUNTIME, HISTORY_LIMIT_CAUSE))
        self._stop(FAILED, error=RUNTIME, cause=HISTORY_LIMIT_CAUSE)

    def _time_out(self) -> None:
        root = next(f for f in self.data["frames"].values() if f["parent"] is None)
        self.emit(root, "ExecutionTimedOut", {"error": TIMEOUT, "cause": None})
        self._stop(TIMED_OUT, error=TIMEOUT)

    def stop(self, error: str | None = None, cause: str | None = None) -> None:
        """StopExecution."""
        if self.data["status"] != RUNNING:
            return
        root = next(f for f in self.data["frames"].values() if f["parent"] is None)
        self.emit(root, "ExecutionAborted", history.failure(error, cause))
        self._stop(ABORTED, error=error, cause=cause)

    def redrive(self) -> int:
        """RedriveExecution: run again from the top-level state that did not succeed
        (a Parallel or Map state runs again whole). Returns the new redrive count."""
        if self.data["status"] not in (FAILED, TIMED_OUT, ABORTED):
            raise ValueError(f"an execution in status {self.data['status']} cannot be redriven")
        frames = self.data["frames"]
        root = next(f for f in frames.values() if f["parent"] is None)
        for fid in [fid for fid, f in frames.items() if f is not root]:
            del frames[fid]
        for key in ("children", "results", "map"):
            root.pop(key, None)
        root.update(
            done=False, phase="enter", reported=False, result=None, wake_at=None, pending=None
        )
        root["retry_counts"] = {}
        self.data["order"] = [root["id"]]
        self.data["tokens"] = {}
        self.data["tasks"] = {}
        count = self.data["context"]["Execution"].get("RedriveCount", 0) + 1
        self.data["context"]["Execution"]["RedriveCount"] = count
        now = self.clock()
        self.data.update(status=RUNNING, output=None, error=None, cause=None, stopped=None)
        timeout = self.machine.timeout_seconds
        self.data["deadline"] = now + timeout if timeout else None
        self.emit(root, "ExecutionRedriven", {"redriveCount": count})
        return count

    # --- task callbacks ---------------------------------------------------------------

    def send_task_success(self, token: str, output: Any) -> None:
        self._resolve(token, {"output": output})

    def send_task_failure(self, token: str, error: str | None, cause: str | None) -> None:
        self._resolve(token, {"error": error or "", "cause": cause})

    def activity_started(self, token: str, worker_name: str | None = None) -> None:
        """A worker took the activity task (GetActivityTask): record ActivityStarted."""
        frame = self._token_frame(token)
        self.emit(frame, "ActivityStarted", {"workerName": worker_name} if worker_name else {})
        task_state.heartbeat(self, frame)

    def send_task_heartbeat(self, token: str) -> None:
        frame = self._token_frame(token)
        task_state.heartbeat(self, frame)

    def complete_task(self, task_id: str, outcome: dict) -> None:
        """Answer a pending task by the TaskRequest's task_id: {"output": x} or
        {"error": e, "cause": c}. KeyError when that task is no longer waiting."""
        fid = self.data.get("tasks", {}).get(task_id)
        frame = self.data["frames"].get(fid) if fid is not None else None
        if frame is None or frame["done"] or frame["phase"] != "task":
            raise KeyError(task_id)
        if frame["pending"].get("resolved") is not None:
            raise KeyError(task_id)
        frame["pending"]["resolved"] = outcome
        token = frame["pending"].get("token")
        if token is not None:
            self.data["tokens"].pop(token, None)

    def pending_tasks(self) -> dict[str, str | None]:
        """task_id -> token of every task still waiting for its answer."""
        out = {}
        for task_id, fid in self.data.get("tasks", {}).items():
            frame = self.data["frames"].get(fid)
            if frame and not frame["done"] and frame["phase"] == "task":
                if frame["pending"].get("resolved") is None:
                    out[task_id] = frame["pending"].get("token")
        return out

    def _token_frame(self, token: str) -> dict:
        fid = self.data["tokens"].get(token)
        frame = self.data["frames"].get(fid) if fid is not None else None
        if frame is None or frame["done"] or frame["phase"] != "task":
            raise KeyError(token)
        return frame

    def _resolve(self, token: str, outcome: dict) -> None:
        frame = self._token_frame(token)
        frame["pending"]["resolved"] = outcome
        del self.data["tokens"][token]


def run_to_completion(execution: Execution, advance: Callable[[float], Any]) -> Execution:
    """Test/CLI helper: run, and when the execution sleeps, move the clock to the deadline."""
    while True:
        result = execution.run()
        if result.status != "sleeping":
            return execution
        advance(result.wake_at)
