"""Opaque pagination tokens: a JSON position, base64-encoded so clients treat it as a blob."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .errors import invalid_token


def encode(position: Any) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str | None, kind: type | tuple[type, ...] = (list, str)) -> Any:
    """The position in `token`, None without one; a token Strato did not make is InvalidParameterException."""
    if token is None:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error) as e:
        raise invalid_token() from e
    if not isinstance(value, kind):
        raise invalid_token()
    return value
