"""Pagination for list operations: the token is the offset, base64-encoded so clients treat it as opaque."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from .errors import invalid_parameter


def page(items: list[Any], token: str | None, size: int) -> tuple[list[Any], str | None]:
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except (ValueError, binascii.Error) as e:
            raise invalid_parameter("Invalid NextToken.") from e
    end = start + size
    more = end < len(items)
    return items[start:end], base64.urlsafe_b64encode(str(end).encode()).decode() if more else None
