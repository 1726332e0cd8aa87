"""AWS Lambda."""

from ..registry import ServiceSpec
from .provider import LambdaProvider

SPEC = ServiceSpec(name="lambda", provider_factory=LambdaProvider)

__all__ = ["SPEC", "LambdaProvider"]
