"""AWS Systems Manager Parameter Store.

SecureString values are stored in the store as given: Strato has no KMS yet, so `KeyId` is
recorded and reported, and reads without WithDecryption return the value base64-encoded
(opaque, as AWS's ciphertext is) rather than really encrypted.
"""

from ..registry import ServiceSpec
from .provider import SsmProvider

SPEC = ServiceSpec(name="ssm", provider_factory=SsmProvider)

__all__ = ["SPEC", "SsmProvider"]
