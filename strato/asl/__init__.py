"""Amazon States Language: a pure interpreter (definition + input -> output + history)."""

from strato.asl.definition import StateMachine, parse_definition
from strato.asl.errors import ExecutionError, InvalidDefinition, TaskFailure
from strato.asl.execution import Execution, StepResult, run_to_completion
from strato.asl.integrations import PENDING, Integrations, MockIntegrations, TaskRequest

__all__ = [
    "PENDING",
    "Execution",
    "ExecutionError",
    "Integrations",
    "InvalidDefinition",
    "MockIntegrations",
    "StateMachine",
    "StepResult",
    "TaskFailure",
    "TaskRequest",
    "parse_definition",
    "run_to_completion",
]
