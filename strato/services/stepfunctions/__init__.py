"""AWS Step Functions: state machines, versions and aliases, durable executions, activities.

The language itself is `strato.asl`; this package persists and schedules it.
"""

from ..registry import ServiceSpec
from .provider import StepFunctionsProvider

SPEC = ServiceSpec(name="stepfunctions", provider_factory=StepFunctionsProvider)

__all__ = ["SPEC", "StepFunctionsProvider"]
