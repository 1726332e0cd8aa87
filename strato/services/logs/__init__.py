"""Amazon CloudWatch Logs."""

from ..registry import ServiceSpec
from .provider import LogsProvider

SPEC = ServiceSpec(
    name="logs",
    provider_factory=LogsProvider,
    validation_error_code="InvalidParameterException",
)

__all__ = ["SPEC", "LogsProvider"]
