"""Authentication: signatures, access keys and the request context."""

from .accounts import DEFAULT_ACCOUNT, AccessKey, AccountRegistry
from .context import RequestContext
from .sigv4 import AuthFailure, Credential, read_credential, verify

__all__ = [
    "DEFAULT_ACCOUNT",
    "AccessKey",
    "AccountRegistry",
    "AuthFailure",
    "Credential",
    "RequestContext",
    "read_credential",
    "verify",
]
