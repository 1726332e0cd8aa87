"""Task parameters and results as Step Functions writes them <-> provider values, by the API's shapes.

Step Functions names every member in PascalCase (`LogGroupName` for Logs' `logGroupName`),
takes blobs as text and returns them as text (S3's `Body`), and timestamps as ISO 8601.
Optimised integrations speak the service's own JSON instead (base64 blobs, epoch seconds).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from functools import cache
from typing import Any

from botocore.model import Shape

from ...protocol.scalars import BadValue
from ...protocol.timestamps import format_timestamp, to_datetime


class UnknownField(Exception):
    """A parameter the operation's input does not have."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


@cache
def _members_by_key(shape: Shape) -> dict[str, str]:
    """Each member under its own name and its PascalCase spelling."""
    out: dict[str, str] = {}
    for name in shape.members:
        out[name] = name
        out.setdefault(pascal(name), name)
    return out


def to_params(shape: Shape, value: Any, path: str = "") -> Any:
    """Parameters as a boto3 caller (and so the protocol parser) would have passed them."""
    if value is None:
        return None
    t = shape.type_name
    if t == "structure":
        if shape.is_document_type or not isinstance(value, dict):
            return value  # the validator reports a wrong type with AWS's wording
        keys = _members_by_key(shape)
        out = {}
        for key, item in value.items():
            name = keys.get(key)
            if name is None:
                raise UnknownField(f"{path}.{key}" if path else key)
            out[name] = to_params(shape.members[name], item, f"{path}.{key}" if path else key)
        return out
    if t == "list":
        if not isinstance(value, list):
            return value
        return [to_params(shape.member, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if t == "map":
        if not isinstance(value, dict):
            return value
        return {k: to_params(shape.value, v, f"{path}.{k}") for k, v in value.items()}
    if t == "timestamp":
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            try:
                return to_datetime(value)
            except (ValueError, OverflowError) as e:
                raise BadValue(f"{value!r} at {path} is not a timestamp") from e
        return value
    if t == "blob":
        if isinstance(value, str):
            return value.encode()
        if isinstance(value, (dict, list, int, float, bool)):
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        return value
    return value


def wire_params(shape: Shape, value: Any, path: str = "") -> Any:
    """Parameters written in the service's JSON (optimised integrations): blobs in base64."""
    if value is None:
        return None
    t = shape.type_name
    if t == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError as e:
            raise BadValue(f"{path} is not valid base64") from e
    if t == "structure" and isinstance(value, dict) and not shape.is_document_type:
        keys = _members_by_key(shape)
        out = {}
        for key, item in value.items():
            name = keys.get(key)
            if name is None:
                raise UnknownField(f"{path}.{key}" if path else key)
            out[name] = wire_params(shape.members[name], item, f"{path}.{key}" if path else key)
        return out
    if t == "list" and isinstance(value, list):
        return [wire_params(shape.member, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if t == "map" and isinstance(value, dict):
        return {k: wire_params(shape.value, v, f"{path}.{k}") for k, v in value.items()}
    return to_params(shape, value, path)


def sdk_result(shape: Shape | None, value: Any) -> Any:
    """A provider's output as an `aws-sdk:` task returns it: PascalCase, text blobs, ISO dates."""
    return _result(shape, value, wire=False)


def wire_result(shape: Shape | None, value: Any) -> Any:
    """A provider's output as the service's JSON API writes it (optimised integrations)."""
    return _result(shape, value, wire=True)


def _result(shape: Shape | None, value: Any, wire: bool) -> Any:
    if value is None:
        return None
    if shape is None:
        return {}
    t = shape.type_name
    if t == "structure":
        if shape.is_document_type or not isinstance(value, dict):
            return value
        out = {}
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None or item is None:
                continue  # provider bookkeeping such as `_status`
            out[name if wire else pascal(name)] = _result(member, item, wire)
        return out
    if t == "list":
        return [_result(shape.member, v, wire) for v in value]
    if t == "map":
        return {k: _result(shape.value, v, wire) for k, v in value.items()}
    if t == "timestamp":
        return format_timestamp(value, "unixTimestamp") if wire else _iso(value)
    if t == "blob":
        raw = blob_bytes(value)
        if wire:
            return base64.b64encode(raw).decode()
        try:
            return raw.decode()
        except UnicodeDecodeError:
            return base64.b64encode(raw).decode()
    return value


def blob_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, tuple) and len(value) == 2:  # a stream: (chunks, length)
        return b"".join(value[0])
    if hasattr(value, "read"):
        value.seek(0)
        return value.read()
    return bytes(value)


def _iso(value: Any) -> str:
    """As the Java SDK behind Step Functions prints an Instant: seconds, fraction only if any."""
    d = to_datetime(value).astimezone(dt.UTC)
    text = d.strftime("%Y-%m-%dT%H:%M:%S")
    if d.microsecond:
        text += f".{d.microsecond // 1000:03d}"
    return text + "Z"
