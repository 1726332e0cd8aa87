"""Task states, glued to the rest of Strato: service calls, callbacks, activities, children.

The engine hands every task to the runner as PENDING; `Dispatcher.launch` then starts the
work: an activity task waits in `sfn:activity-tasks` for a GetActivityTask poller; a
`states:startExecution` task starts a child execution here (and, with `.sync`, answers when
it ends); everything else is `run_service_task` (service_tasks.py), whose result or
TaskFailure completes the task, except `.waitForTaskToken`, where the call only has to
succeed and SendTaskSuccess/Failure answers. After a restart, `relaunch` does it again for
each task still waiting: service calls run again (at least once, as a retried AWS task
would), children are found by their deterministic name, callbacks and activities wait on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any

from ...asl import TaskFailure, TaskRequest
from ...asl.integrations import ITEM_READER, RESULT_WRITER
from ...auth import RequestContext
from ...protocol import ServiceError
from . import map_io, mock_config
from .runner import Live, Runner
from .service_tasks import run_service_task

if TYPE_CHECKING:
    from .provider import StepFunctionsProvider

log = logging.getLogger("strato.stepfunctions")

START_EXECUTION = "arn:aws:states:::states:startExecution"
CALLBACK = ".waitForTaskToken"


def _load_mocks():
    try:
        return mock_config.load_from_env()
    except mock_config.MockConfigError:
        log.exception("SFN_MOCK_CONFIG cannot be used; no state is mocked")
        return None


def call_target(resource: str) -> str:
    """The resource as run_service_task takes it: without the integration-pattern suffix."""
    for suffix in (CALLBACK, ".sync:2", ".sync"):
        if resource.endswith(suffix):
            return resource[: -len(suffix)]
    return resource


def is_activity(resource: str) -> bool:
    return resource.startswith("arn:") and ":activity:" in resource


class Dispatcher:
    def __init__(self, provider: StepFunctionsProvider, runner: Runner) -> None:
        self.provider = provider
        self.runner = runner
        self.platform = provider.platform
        self._tasks: set[asyncio.Task] = set()
        # child execution ARN -> [(parent ARN, task id, mode)] for `.sync` children
        self.child_waiters: dict[str, list[tuple[str, str, str]]] = {}
        self.mocks = _load_mocks()
        runner.launch = self.launch
        runner.relaunch = self.relaunch
        runner.on_finish.append(self._child_finished)

    # -- launching ---------------------------------------------------------------------
    def launch(self, live: Live, request: TaskRequest, info: dict) -> None:
        assert request.task_id is not None
        self._start(live, request.task_id, info)

    def relaunch(self, live: Live, task_id: str, info: dict) -> None:
        if is_activity(info["resource"]):
            return  # still queued, or a worker holds its token
        if info["resource"].endswith(CALLBACK) and info.get("called"):
            return  # the call went out; the answer comes through SendTask*
        self._start(live, task_id, info)

    def _start(self, live: Live, task_id: str, info: dict) -> None:
        resource = info["resource"]
        if info.get("kind") in (ITEM_READER, RESULT_WRITER):
            self._spawn(self._map_io(live, task_id, info))
            return
        if self._mocked(live, task_id, info):
            return
        if is_activity(resource):
            self.provider.activity_arrived(resource)
            return
        if resource.startswith(START_EXECUTION):
            self._spawn(self._start_child(live, task_id, info))
            return
        self._spawn(self._call(live, task_id, info))

    def _mocked(self, live: Live, task_id: str, info: dict) -> bool:
        """SFN_MOCK_CONFIG answers this state for the execution's test case (`arn#Case`)."""
        case = live.meta.get("testCase")
        if not case or self.mocks is None:
            return False
        machine = live.meta["machineArn"].rsplit(":", 1)[-1]
        if "mockCall" not in info:
            # As Step Functions Local counts: every call of the state in this execution
            # (retries, loop turns and Map iterations alike) takes the next answer.
            calls = live.meta.setdefault("mockCalls", {})
            info["mockCall"] = calls.get(info.get("state"), 0)
            calls[info.get("state")] = info["mockCall"] + 1
        answer = self.mocks.response(machine, case, info.get("state"), info["mockCall"])
        if answer is None:
            return False
        try:
            outcome: dict = {"output": mock_config.outcome(answer)}
        except TaskFailure as failure:
            outcome = {"error": failure.error, "cause": failure.cause}
        self.runner.complete(live.arn, task_id, outcome)
        return True

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            try:
                await task
            except BaseException:  # noqa: BLE001 - shutting down
                pass

    # -- service calls -----------------------------------------------------------------
    def context(self, live: Live, info: dict) -> RequestContext:
        meta = live.meta
        account, region = meta["account"], meta["region"]
        role = meta.get("roleArn") or f"arn:aws:iam::{account}:role/stepfunctions"
        return RequestContext(
            account_id=account,
            region=region,
            principal_arn=role,
            access_key_id=None,
            request_id=str(uuid.uuid4()),
            service="stepfunctions",
            extras={
                "sfn_execution_arn": live.arn,
                "sfn_state_machine_arn": meta["machineArn"],
                "sfn_state_name": info.get("state"),
                "sfn_test_case": meta.get("testCase"),
            },
        )

    async def _call(self, live: Live, task_id: str, info: dict) -> None:
        resource: str = info["resource"]
        callback = resource.endswith(CALLBACK)
        target = call_target(resource)
        try:
            result = await run_service_task(
                self.platform, self.context(live, info), target, info["parameters"]
            )
        except TaskFailure as failure:
            outcome: dict = {"error": failure.error, "cause": failure.cause}
        except ServiceError as err:
            outcome = {"error": err.code, "cause": err.message}
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in an integration fails the task, not the runner
            log.exception("task %s of %s failed", resource, live.arn)
            outcome = {"error": "States.Runtime", "cause": f"{type(exc).__name__}: {exc}"}
        else:
            if callback:
                info["called"] = True
                if not live.express and live.arn in self.runner.live:
                    self.runner.touch(live)  # remembers that the call went out
                return
            outcome = {"output": result}
        self.runner.complete(live.arn, task_id, outcome)

    async def _map_io(self, live: Live, task_id: str, info: dict) -> None:
        """A distributed Map's ItemReader or ResultWriter request."""
        run = map_io.read_items if info["kind"] == ITEM_READER else map_io.write_results
        failed = (
            map_io.ITEM_READER_FAILED
            if info["kind"] == ITEM_READER
            else (map_io.RESULT_WRITER_FAILED)
        )
        try:
            result = await run(
                self.platform, self.context(live, info), info["resource"], info["parameters"]
            )
        except TaskFailure as failure:
            outcome: dict = {"error": failure.error, "cause": failure.cause}
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here fails the Map state, not the runner
            log.exception("%s of %s failed", info["kind"], live.arn)
            outcome = {"error": failed, "cause": f"{type(exc).__name__}: {exc}"}
        else:
            outcome = {"output": result}
        self.runner.complete(live.arn, task_id, outcome)

    # -- child executions ----------------------------------------------------------------
    async def _start_child(self, live: Live, task_id: str, info: dict) -> None:
        resource: str = info["resource"]
        params = info["parameters"] if isinstance(info["parameters"], dict) else {}
        mode = resource[len(START_EXECUTION) :]
        machine = params.get("StateMachineArn")
        raw_input = params.get("Input", {})
        text = raw_input if isinstance(raw_input, str) else json.dumps(raw_input)
        name = params.get("Name") or task_id
        child = info.get("child")
        if child is None:
            try:
                child = self.provider.start_execution_internal(
                    live.meta["account"], live.meta["region"], machine, text, name
                )
            except ServiceError as err:
                error = {"error": f"StepFunctions.{err.code}Exception", "cause": err.message}
                self.runner.complete(live.arn, task_id, error)
                return
            except Exception as exc:  # a bad parameter fails the task, not the runner
                log.exception("starting a child of %s failed", live.arn)
                error = {"error": "States.Runtime", "cause": f"{type(exc).__name__}: {exc}"}
                self.runner.complete(live.arn, task_id, error)
                return
            info["child"] = child
            if not live.express and live.arn in self.runner.live:
                self.runner.touch(live)  # a restart finds the child instead of starting another
        meta = self.provider.execution_meta(child)
        if mode in (".sync", ".sync:2"):
            if meta is not None and meta["status"] != "RUNNING":
                self._answer_parent(live.arn, task_id, mode, meta)
            else:
                self.child_waiters.setdefault(child, []).append((live.arn, task_id, mode))
            return
        result = {"ExecutionArn": child, "StartDate": _ms(meta["startDate"]) if meta else None}
        if mode.endswith(CALLBACK):
            return  # the child answers with SendTaskSuccess and $$.Task.Token
        self.runner.complete(live.arn, task_id, {"output": result})

    def _child_finished(self, child: Live) -> None:
        for parent, task_id, mode in self.child_waiters.pop(child.arn, []):
            self._answer_parent(parent, task_id, mode, child.meta)

    def _answer_parent(self, parent: str, task_id: str, mode: str, meta: dict) -> None:
        output = meta.get("output")
        described = {
            "ExecutionArn": meta["executionArn"],
            "Input": meta["input"],
            "InputDetails": {"Included": True},
            "Name": meta["name"],
            "StartDate": _ms(meta["startDate"]),
            "StateMachineArn": meta["stateMachineArn"],
            "Status": meta["status"],
            "StopDate": _ms(meta["stopDate"]) if meta.get("stopDate") else None,
        }
        if mode == ".sync:2":
            described["Input"] = json.loads(meta["input"])
        if meta["status"] == "SUCCEEDED":
            text = json.dumps(output, separators=(",", ":"))
            described["Output"] = output if mode == ".sync:2" else text
            described["OutputDetails"] = {"Included": True}
            self.runner.complete(parent, task_id, {"output": described})
            return
        if meta.get("error"):
            described["Error"] = meta["error"]
        if meta.get("cause"):
            described["Cause"] = meta["cause"]
        cause = json.dumps(described, separators=(",", ":"))
        self.runner.complete(parent, task_id, {"error": "States.TaskFailed", "cause": cause})


def _ms(value: float) -> int:
    return int(value * 1000)
