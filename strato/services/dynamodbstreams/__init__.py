"""Amazon DynamoDB Streams: the change records of DynamoDB tables, one shard per stream."""

from ..registry import ServiceSpec
from .provider import DynamoDBStreamsProvider

SPEC = ServiceSpec(name="dynamodbstreams", provider_factory=DynamoDBStreamsProvider)

__all__ = ["SPEC", "DynamoDBStreamsProvider"]
