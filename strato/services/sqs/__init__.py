"""Amazon SQS (json, and the query protocol older SDKs speak, from a model carried as data)."""

import os

from ..registry import ServiceSpec
from .provider import SqsProvider

QUERY_MODEL = os.path.join(os.path.dirname(__file__), "models", "sqs-query-2012-11-05.json")

SPEC = ServiceSpec(
    name="sqs",
    provider_factory=SqsProvider,
    validation_error_code="InvalidParameterValue",
    legacy_models={"query": QUERY_MODEL},
)

__all__ = ["QUERY_MODEL", "SPEC", "SqsProvider"]
