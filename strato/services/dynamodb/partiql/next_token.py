"""ExecuteStatement's NextToken: which key range of the statement to resume and past which
key, tied to the statement and parameters it was issued for."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ..errors import validation
from ..idempotency import fingerprint
from ..item_codec import to_stored, to_wire

Item = dict[str, dict[str, Any]]
INVALID = "Invalid NextToken"
OTHER_STATEMENT = "The provided starting key is invalid"


def statement_signature(params: dict[str, Any]) -> str:
    """What a token is bound to: the statement and its parameters (not Limit)."""
    body = {"Statement": params["Statement"], "Parameters": params.get("Parameters") or []}
    return fingerprint(body)[:32]


def encode(signature: str, key_range: int, last: Item | None) -> str:
    body = {"s": signature, "r": key_range, "k": to_stored(last) if last is not None else None}
    return base64.urlsafe_b64encode(json.dumps(body).encode()).decode()


def decode(token: str, signature: str) -> tuple[int, Item | None]:
    """(key range index, key to resume past); AWS's errors for a token that is not one."""
    try:
        body = json.loads(base64.urlsafe_b64decode(token.encode()))
        key_range, last, issued_for = body["r"], body["k"], body["s"]
        if not isinstance(key_range, int) or not isinstance(last, dict | None):
            raise ValueError(token)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise validation(INVALID) from None
    if issued_for != signature:
        raise validation(OTHER_STATEMENT)
    return key_range, to_wire(last) if last is not None else None
