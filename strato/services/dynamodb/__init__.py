"""Amazon DynamoDB."""

from ...protocol import WireOptions
from ..registry import ServiceSpec
from .provider import DynamoDBProvider

SPEC = ServiceSpec(
    name="dynamodb",
    provider_factory=DynamoDBProvider,
    # As DynamoDB itself answers: namespaced error types and a CRC32 of every body.
    wire=WireOptions(error_type_prefix="com.amazonaws.dynamodb.v20120810#", crc32_header=True),
)

__all__ = ["SPEC", "DynamoDBProvider"]
