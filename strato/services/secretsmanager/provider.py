"""The Secrets Manager provider: every operation Strato implements, composed by area.

Other services (SSM's `/aws/reference/secretsmanager/` parameters) read secrets with the
plain provider method `get_secret_value(ctx, {"SecretId": ..., "VersionId"?, "VersionStage"?})`.
Values are stored unencrypted (no KMS yet).
"""

from __future__ import annotations

from .passwords import PasswordOperations
from .rotation import RotationOperations
from .secrets import SecretOperations
from .values import ValueOperations


class SecretsManagerProvider(
    SecretOperations, ValueOperations, RotationOperations, PasswordOperations
):
    """Secrets, versions and staging labels, rotation, random passwords, policies and tags."""
