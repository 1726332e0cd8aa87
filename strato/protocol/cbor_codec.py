"""Shape-driven conversion between decoded CBOR items and provider values (smithy-rpc-v2-cbor)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from botocore.model import Shape

from .scalars import BadValue
from .timestamps import to_datetime

_INTEGERS = ("integer", "long", "short", "byte")


def from_cbor(shape: Shape, value: Any) -> Any:
    """A decoded request item as the botocore caller passed it; wrong types raise BadValue."""
    if value is None:
        return None
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            raise BadValue(f"expected a map for {shape.name}")
        if shape.is_document_type:
            return value
        out = {}
        for name, member in shape.members.items():
            item = value.get(member.serialization.get("name", name))
            if item is None:
                item = value.get(name)
            if item is not None:
                out[name] = from_cbor(member, item)
        return out
    if t == "list":
        if not isinstance(value, list):
            raise BadValue(f"expected an array for {shape.name}")
        return [from_cbor(shape.member, v) for v in value if v is not None]
    if t == "map":
        if not isinstance(value, dict):
            raise BadValue(f"expected a map for {shape.name}")
        return {k: from_cbor(shape.value, v) for k, v in value.items() if v is not None}
    return _scalar(shape, t, value)


def _scalar(shape: Shape, t: str, value: Any) -> Any:
    if t == "timestamp":
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return to_datetime(value)
    elif t == "blob":
        if isinstance(value, bytes):
            return value
    elif t == "boolean":
        if isinstance(value, bool):
            return value
    elif t in _INTEGERS:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif t in ("float", "double"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif isinstance(value, str):  # string, and enums of strings
        return value
    raise BadValue(f"{value!r:.60} is not a valid {t} for {shape.name}")


def to_cbor(shape: Shape, value: Any) -> Any:
    """A provider value as the item botocore's RpcV2CBORParser reads (members by their names)."""
    if value is None:
        return None
    t = shape.type_name
    if t == "structure":
        if shape.is_document_type:
            return value
        members = shape.members
        out = {}
        for name, v in value.items():
            member = members.get(name)
            if member is not None and v is not None:
                out[name] = to_cbor(member, v)
        return out
    if t == "list":
        return [to_cbor(shape.member, v) for v in value]
    if t == "map":
        return {k: to_cbor(shape.value, v) for k, v in value.items()}
    if t == "timestamp":
        return to_datetime(value)
    if t == "blob":
        return value.encode() if isinstance(value, str) else bytes(value)
    if t in ("float", "double"):
        return float(value) if not isinstance(value, str) else _special_float(value)
    if t in _INTEGERS:
        return int(value)
    return value


def _special_float(text: str) -> float:
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(text) or float(text)
