"""Text <-> typed value conversion for scalar shapes (headers, query strings, XML text)."""

from __future__ import annotations

import base64
import math
from typing import Any

from .timestamps import format_timestamp, to_datetime


class BadValue(ValueError):
    """A wire value that cannot be read as its shape's type."""


def parse_scalar(type_name: str, text: str) -> Any:
    try:
        if type_name in ("string", "character"):
            return text
        if type_name in ("integer", "long", "short", "byte"):
            return int(text)
        if type_name in ("float", "double"):
            return _parse_float(text)
        if type_name == "boolean":
            low = text.strip().lower()
            if low not in ("true", "false"):
                raise ValueError(text)
            return low == "true"
        if type_name == "timestamp":
            return to_datetime(text)
        if type_name == "blob":
            return base64.b64decode(text)
    except (ValueError, TypeError, OverflowError) as e:
        raise BadValue(f"{text!r} is not a valid {type_name}") from e
    return text


def _parse_float(text: str) -> float:
    special = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
    return special[text] if text in special else float(text)


def format_scalar(type_name: str, value: Any, timestamp_format: str = "iso8601") -> str:
    if type_name == "boolean":
        return "true" if value else "false"
    if type_name == "timestamp":
        return str(format_timestamp(value, timestamp_format))
    if type_name == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode()
    if type_name in ("float", "double"):
        if isinstance(value, float):
            if math.isnan(value):
                return "NaN"
            if math.isinf(value):
                return "Infinity" if value > 0 else "-Infinity"
        return str(value)
    return str(value)
