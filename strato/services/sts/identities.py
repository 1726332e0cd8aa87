"""The identifiers STS hands out: access key ids, secrets, session tokens and unique ids."""

from __future__ import annotations

import base64
import hashlib
import secrets
import string

_KEY_ALPHABET = string.ascii_uppercase + "234567"


def temporary_access_key_id() -> str:
    return "ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def secret_access_key() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode()


def session_token() -> str:
    return "FwoGZXIvYXdzE" + base64.b64encode(secrets.token_bytes(192)).decode()


def unique_id(prefix: str, arn: str) -> str:
    """A stable IAM-style unique id (AIDA... for users, AROA... for roles) derived from the ARN."""
    digest = hashlib.sha256(arn.encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:17]


def account_from_key_id(access_key_id: str) -> str | None:
    """The account AWS encodes in an AKIA/ASIA key id (bits 7..46 of its base32 tail)."""
    tail = access_key_id[4:]
    if len(access_key_id) != 20 or any(c not in _KEY_ALPHABET for c in tail):
        return None
    raw = base64.b32decode(tail)[:6]
    return f"{(int.from_bytes(raw, 'big') & 0x7FFFFFFFFF80) >> 7:012d}"
