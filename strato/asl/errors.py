"""Errors raised while parsing or running a state machine, named as AWS names them."""

from __future__ import annotations


class InvalidDefinition(Exception):
    """The definition cannot run; the message reads like CreateStateMachine's."""

    code = "InvalidDefinition"

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        # Each problem as "CODE: text at /path" (ValidateStateMachineDefinition lists them).
        self.problems = problems or []


class ExecutionError(Exception):
    """A runtime error of a state: `error` is what Retry/Catch match on, `cause` the text."""

    def __init__(
        self,
        error: str,
        cause: str | None = None,
        location: str | None = None,
        propagated: bool = False,
    ):
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
        # Set for JSONata failures, which AWS also reports as an EvaluationFailed event.
        self.location = location
        # True when the error came from a task, a branch or an iteration rather than from
        # evaluating the state itself (only the latter gets the "while executing" prefix).
        self.propagated = propagated


class TaskFailure(ExecutionError):
    """Raised by an integration when the called resource failed."""

    def __init__(self, error: str, cause: str | None = None):
        super().__init__(error, cause, propagated=True)


class PathNotFound(Exception):
    """A JSONPath matched nothing (callers turn it into States.Runtime with context)."""

    def __init__(self, path: str, normalized: str | None = None):
        super().__init__(path)
        self.path = path
        self.normalized = normalized or path


class IntrinsicError(Exception):
    """An intrinsic function failed; becomes States.IntrinsicFailure."""


ALL = "States.ALL"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
RUNTIME = "States.Runtime"
BRANCH_FAILED = "States.BranchFailed"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
PERMISSIONS = "States.Permissions"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
EXCEED_TOLERATED_FAILURE = "States.ExceedToleratedFailureThreshold"
ITEM_READER_FAILED = "States.ItemReaderFailed"

# States.ALL in a retrier does not match these (AWS: terminal errors).
NOT_RETRIED_BY_ALL = frozenset({RUNTIME, DATA_LIMIT_EXCEEDED})
