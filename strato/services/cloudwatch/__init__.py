"""Amazon CloudWatch metrics and alarms (smithy-rpc-v2-cbor, json and query on the wire)."""

from ..registry import ServiceSpec
from .emf import EmfError, EmfMetric, metrics_from_emf, parse_emf
from .metric_store import Datum
from .provider import CloudWatchProvider

SPEC = ServiceSpec(
    name="cloudwatch",
    provider_factory=CloudWatchProvider,
    validation_error_code="InvalidParameterValue",
)

__all__ = [
    "SPEC",
    "CloudWatchProvider",
    "Datum",
    "EmfError",
    "EmfMetric",
    "metrics_from_emf",
    "parse_emf",
]
