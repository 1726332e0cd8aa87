"""ClientRequestToken for TransactWriteItems: a repeat within ten minutes with the same
parameters answers as the first call did without writing again; with other parameters it
is IdempotentParameterMismatchException."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from ...store import Store, keys
from . import records
from .errors import idempotent_parameter_mismatch

WINDOW_S = 600


def fingerprint(params: dict[str, Any]) -> str:
    body = {k: v for k, v in params.items() if k not in ("ClientRequestToken",)}
    text = json.dumps(body, sort_keys=True, default=_bytes_text)
    return hashlib.sha256(text.encode()).hexdigest()


def _bytes_text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    raise TypeError(type(value).__name__)


def replay(
    store: Store, account: str, region: str, token: str, params: dict[str, Any], now: float
) -> dict[str, Any] | None:
    """The first call's answer when this is a repeat, else None."""
    found = store.get(records.TOKENS, keys.pack(account, region, token))
    if found is None or now - found["At"] > WINDOW_S:
        return None
    if found["Fingerprint"] != fingerprint(params):
        raise idempotent_parameter_mismatch()
    return found["Output"]


def remember(
    store: Store,
    account: str,
    region: str,
    token: str,
    params: dict[str, Any],
    now: float,
    output: dict[str, Any],
) -> None:
    store.put(
        records.TOKENS,
        keys.pack(account, region, token),
        {"Fingerprint": fingerprint(params), "At": now, "Output": output},
    )
