"""nextToken / maxResults paging over a list already in order."""

from __future__ import annotations

import base64
import json
from typing import Any

from .errors import invalid_token

DEFAULT_PAGE = 100
MAX_PAGE = 1000


def page(items: list[Any], params: dict, key: str = "nextToken") -> tuple[list[Any], str | None]:
    size = params.get("maxResults") or DEFAULT_PAGE
    size = min(size, MAX_PAGE)
    start = 0
    token = params.get(key)
    if token:
        try:
            start = int(json.loads(base64.urlsafe_b64decode(token.encode()))["o"])
        except (ValueError, KeyError, TypeError):
            raise invalid_token(f"Invalid token: {token}") from None
        if start < 0:
            raise invalid_token(f"Invalid token: {token}")
    chunk = items[start : start + size]
    nxt = None
    if start + size < len(items):
        nxt = base64.urlsafe_b64encode(json.dumps({"o": start + size}).encode()).decode()
    return chunk, nxt


def with_token(out: dict, token: str | None, key: str = "nextToken") -> dict:
    if token:
        out[key] = token
    return out
