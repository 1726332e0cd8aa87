"""The interface Task states call, and a scripted mock of it for tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from strato.asl.errors import TaskFailure


@dataclass
class TaskRequest:
    resource: str
    parameters: Any
    state_name: str
    execution_arn: str
    task_token: str | None = None  # set for .waitForTaskToken: the result comes later
    timeout_seconds: float | None = None
    heartbeat_seconds: float | None = None
    credentials: dict | None = None
    # Names this pending task for Execution.complete_task (tasks answered without a token).
    task_id: str | None = None
    retry_count: int = 0  # how many times this state has been retried (mocks count attempts)
    # "task", or a distributed Map's ITEM_READER / RESULT_WRITER request.
    kind: str = "task"


ITEM_READER = "item-reader"  # parameters: the reader's Parameters plus ReaderConfig
RESULT_WRITER = "result-writer"  # parameters: see strato.asl.map_run.writer_parameters


class Pending:
    """Returned by an integration whose result arrives later (callback or .sync)."""

    def __repr__(self) -> str:
        return "PENDING"


PENDING = Pending()


class Integrations(Protocol):
    def invoke(self, request: TaskRequest) -> Any:
        """Return the result, PENDING (the caller will report it), or raise TaskFailure."""


@dataclass
class MockIntegrations:
    """Answers from a table: resource -> value, list of values (one per call), or callable.

    An Exception (or a TaskFailure) in the table is raised. For tests only.
    """

    responses: dict[str, Any] = field(default_factory=dict)
    calls: list[TaskRequest] = field(default_factory=list)

    def invoke(self, request: TaskRequest) -> Any:
        self.calls.append(request)
        if request.resource not in self.responses:
            raise TaskFailure("States.TaskFailed", f"No mock for resource {request.resource}")
        answer = self.responses[request.resource]
        if isinstance(answer, list):
            n = sum(1 for c in self.calls if c.resource == request.resource) - 1
            answer = answer[min(n, len(answer) - 1)]
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, Callable):  # type: ignore[arg-type]
            return answer(request)
        return answer
