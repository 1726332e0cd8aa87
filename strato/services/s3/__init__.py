"""Amazon S3."""

from ..registry import ServiceSpec
from .provider import S3Provider
from .wire import WIRE

SPEC = ServiceSpec(
    name="s3",
    provider_factory=S3Provider,
    wire=WIRE,
    validation_error_code="InvalidArgument",
)

__all__ = ["SPEC", "S3Provider"]
