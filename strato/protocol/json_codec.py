"""Shape-driven conversion between JSON documents and provider values (json and rest-json)."""

from __future__ import annotations

import base64
import math
from typing import Any

from botocore.model import Shape

from .scalars import BadValue
from .timestamps import format_timestamp, to_datetime


def from_json(shape: Shape, value: Any) -> Any:
    if value is None:
        return None
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            raise BadValue(f"expected an object for {shape.name}")
        if shape.is_document_type:
            return value
        out = {}
        for name, member in shape.members.items():
            key = member.serialization.get("name", name)
            if key in value and value[key] is not None:
                out[name] = from_json(member, value[key])
        return out
    if t == "list":
        if not isinstance(value, list):
            raise BadValue(f"expected a list for {shape.name}")
        return [from_json(shape.member, v) for v in value]
    if t == "map":
        if not isinstance(value, dict):
            raise BadValue(f"expected an object for {shape.name}")
        return {k: from_json(shape.value, v) for k, v in value.items()}
    if t == "timestamp":
        return to_datetime(value)
    if t == "blob":
        if not isinstance(value, str):
            raise BadValue(f"expected base64 text for {shape.name}")
        return base64.b64decode(value)
    if t in ("float", "double") and isinstance(value, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(value, value)
    return value


def to_json(shape: Shape, value: Any, default_ts: str = "unixTimestamp") -> Any:
    if value is None:
        return None
    t = shape.type_name
    if t == "structure":
        if shape.is_document_type:
            return value
        out = {}
        members = shape.members
        for name, v in value.items():
            member = members.get(name)
            if member is None or v is None:
                continue
            out[member.serialization.get("name", name)] = to_json(member, v, default_ts)
        return out
    if t == "list":
        return [to_json(shape.member, v, default_ts) for v in value]
    if t == "map":
        return {k: to_json(shape.value, v, default_ts) for k, v in value.items()}
    if t == "timestamp":
        return format_timestamp(value, shape.serialization.get("timestampFormat", default_ts))
    if t == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode()
    if t in ("float", "double") and isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value
