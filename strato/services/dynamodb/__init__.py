"""Amazon DynamoDB."""

from ..registry import ServiceSpec
from .provider import DynamoDBProvider

SPEC = ServiceSpec(name="dynamodb", provider_factory=DynamoDBProvider)

__all__ = ["SPEC", "DynamoDBProvider"]
