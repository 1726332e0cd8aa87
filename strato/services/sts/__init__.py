"""AWS Security Token Service: caller identity and temporary credentials that Strato's auth accepts."""

from ..registry import ServiceSpec
from .provider import StsProvider

SPEC = ServiceSpec(
    name="sts", provider_factory=StsProvider, validation_error_code="ValidationError"
)

__all__ = ["SPEC", "StsProvider"]
