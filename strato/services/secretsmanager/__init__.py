"""AWS Secrets Manager: secrets, versions and staging labels, rotation, policies and tags.

Secret values are kept in the store as given: Strato has no KMS yet, so `KmsKeyId` is
recorded and reported but nothing is encrypted.
"""

from ..registry import ServiceSpec
from .provider import SecretsManagerProvider

SPEC = ServiceSpec(
    name="secretsmanager",
    provider_factory=SecretsManagerProvider,
    validation_error_code="InvalidParameterException",
)

__all__ = ["SPEC", "SecretsManagerProvider"]
