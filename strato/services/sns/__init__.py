"""Amazon SNS: topics, subscriptions, publishing and delivery to SQS, Lambda, HTTP and email."""

from ..registry import ServiceSpec
from .provider import SnsProvider

SPEC = ServiceSpec(
    name="sns", provider_factory=SnsProvider, validation_error_code="InvalidParameter"
)

__all__ = ["SPEC", "SnsProvider"]
