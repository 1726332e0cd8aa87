"""Turn an HTTP request into an operation's input parameters, for every protocol."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qsl

from botocore.model import OperationModel, Shape
from botocore.validate import ParamValidator

from . import cbor
from .cbor_codec import from_cbor
from .errors import ServiceError
from .json_codec import from_json
from .query_codec import from_query
from .request import HttpRequest
from .scalars import BadValue, parse_scalar
from .xml_codec import from_xml, parse_xml

_validator = ParamValidator()


def parse_params(
    op: OperationModel, req: HttpRequest, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """The input dict for `op`, as a boto3 caller would have passed it."""
    shape = op.input_shape
    if shape is None:
        return {}
    protocol = op.metadata["protocol"]
    try:
        if protocol == "json":
            body = req.body_bytes()
            return from_json(shape, json.loads(body)) if body.strip() else {}
        if protocol == "query":
            return from_query(shape, query_fields(req))
        if protocol == "smithy-rpc-v2-cbor":
            body = req.body_bytes()
            return (from_cbor(shape, _cbor_map(body)) or {}) if body else {}
        return _parse_rest(op, shape, req, labels or {}, protocol)
    except (BadValue, ValueError, UnicodeDecodeError) as e:
        code = "MalformedXML" if protocol == "rest-xml" else "SerializationException"
        raise ServiceError(code, str(e), 400) from e


def _cbor_map(body: bytes) -> dict:
    value = cbor.decode(body)
    if not isinstance(value, dict):
        raise BadValue("the request body must be a CBOR map")
    return value


def query_fields(req: HttpRequest) -> dict[str, str]:
    fields = dict(req.query)
    if req.method == "POST" and "x-www-form-urlencoded" in req.headers.get("content-type", ""):
        fields.update(parse_qsl(req.body_bytes().decode(), keep_blank_values=True))
    fields.pop("Action", None)
    fields.pop("Version", None)
    return fields


def _parse_rest(
    op: OperationModel, shape: Shape, req: HttpRequest, labels: dict[str, str], protocol: str
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    query = req.query
    claimed_query = _uri_query_literals(op)  # e.g. ?mode=import names the operation, not a param
    query_map_member = None
    body_members = []
    for name, member in shape.members.items():
        ser = member.serialization
        loc = ser.get("location")
        where = ser.get("name", name)
        if loc == "uri":
            if where in labels:
                params[name] = parse_scalar(member.type_name, labels[where])
        elif loc == "querystring":
            if member.type_name == "map":
                query_map_member = (name, member)
                continue
            claimed_query.add(where)
            values = [v for k, v in query if k == where]
            if not values:
                continue
            if member.type_name == "list":
                params[name] = [parse_scalar(member.member.type_name, v) for v in values]
            else:
                fmt_value = values[0]
                params[name] = parse_scalar(member.type_name, fmt_value)
        elif loc == "header":
            raw = req.headers.get(where.lower())
            if raw is None:
                continue
            params[name] = _parse_header(member, raw)
        elif loc == "headers":
            prefix = where.lower()
            found = {k[len(prefix) :]: v for k, v in req.headers.items() if k.startswith(prefix)}
            if found:
                params[name] = found
        elif loc == "statusCode":
            continue
        else:
            body_members.append(name)
    if query_map_member is not None:
        name, member = query_map_member
        extra = {k: v for k, v in query if k not in claimed_query}
        if extra:
            if member.value.type_name == "list":
                grouped: dict[str, list[str]] = {}
                for k, v in query:
                    if k not in claimed_query:
                        grouped.setdefault(k, []).append(v)
                params[name] = grouped
            else:
                params[name] = extra
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        if member.type_name == "blob" and member.serialization.get("streaming"):
            params[payload] = req.body  # bytes, or a spooled file for large uploads
        elif member.type_name == "blob":
            if req.body_size:
                params[payload] = req.body_bytes()
        elif member.type_name == "string":
            if req.body_size:
                params[payload] = req.body_bytes().decode()
        else:
            body = req.body_bytes()
            if body.strip():
                params[payload] = _parse_body(member, body, protocol)
    elif body_members:
        body = req.body_bytes()
        if body.strip():
            params.update(_parse_body(shape, body, protocol))
    return params


def _uri_query_literals(op: OperationModel) -> set[str]:
    query = op.http.get("requestUri", "").partition("?")[2]
    return {part.partition("=")[0] for part in query.split("&") if part}


def _parse_body(shape: Shape, body: bytes, protocol: str) -> Any:
    if protocol == "rest-json":
        return from_json(shape, json.loads(body))
    return from_xml(shape, parse_xml(body))


def _parse_header(member: Shape, raw: str) -> Any:
    t = member.type_name
    if t == "list":
        return [parse_scalar(member.member.type_name, v) for v in split_header_list(raw)]
    if t == "string" and member.serialization.get("jsonvalue"):
        return json.loads(base64.b64decode(raw))
    if t == "blob":
        return base64.b64decode(raw)
    return parse_scalar(t, raw)


def split_header_list(raw: str) -> list[str]:
    """Split a comma-separated header list, honouring double-quoted items."""
    items: list[str] = []
    cur: list[str] = []
    quoted = False
    i = 0
    while i < len(raw):
        c = raw[i]
        if quoted:
            if c == "\\" and i + 1 < len(raw):
                cur.append(raw[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                cur.append(c)
        elif c == '"':
            quoted = True
        elif c == ",":
            items.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    items.append("".join(cur).strip())
    return [x for x in items if x != ""] if len(items) > 1 or items[0] else []


def validate_params(op: OperationModel, params: dict[str, Any], code: str) -> None:
    """Check required members, types, lengths and ranges as AWS does, with AWS's message."""
    shape = op.input_shape
    if shape is None:
        return
    report = _validator.validate(params, shape)
    # botocore reports a string's length rather than its value, with its own path format:
    # minimum lengths and values are checked here instead, with AWS's paths and wording.
    errors = [e for e in report._errors if e[0] not in ("invalid length", "invalid range")]
    messages = [_message(kind, name, details) for kind, name, details in errors]
    _check_bounds(shape, params, "", messages)
    if not messages:
        return
    count = len(messages)
    noun = "error" if count == 1 else "errors"
    raise ServiceError(code, f"{count} validation {noun} detected: " + "; ".join(messages), 400)


_LENGTHED = ("string", "blob", "list", "map")
_NUMERIC = ("integer", "long", "float", "double")


def _check_bounds(shape: Shape, value: Any, path: str, messages: list[str]) -> None:
    """The model's minimum lengths and values, reported as AWS reports them.

    Maximums are left to each provider: services word their own limit errors (DynamoDB's
    "Too many items requested...", CloudWatch's "must not have a size greater than 30").
    """
    t = shape.type_name
    if value is None:
        return
    meta = shape.metadata
    if t in _LENGTHED and "min" in meta:
        try:
            size = len(value)
        except TypeError:  # a streamed body: its size is not known here
            size = None
        if size is not None and size < meta["min"]:
            shown = "" if t == "blob" else value
            messages.append(
                f"Value '{shown}' at '{path}' failed to satisfy constraint: "
                f"Member must have length greater than or equal to {meta['min']}"
            )
    elif t in _NUMERIC and isinstance(value, (int, float)) and not isinstance(value, bool):
        if "min" in meta and value < meta["min"]:
            messages.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must have value greater than or equal to {meta['min']}"
            )
    if t == "structure" and isinstance(value, dict) and not shape.is_document_type:
        for name, member in shape.members.items():
            if name in value:
                _check_bounds(member, value[name], _join(path, name), messages)
    elif t == "list" and isinstance(value, list):
        for i, item in enumerate(value, 1):
            _check_bounds(shape.member, item, f"{path}.{i}.member", messages)
    elif t == "map" and isinstance(value, dict):
        for key, item in value.items():
            _check_bounds(shape.key, key, f"{path}.{key}.key" if path else key, messages)
            _check_bounds(shape.value, item, f"{path}.{key}" if path else key, messages)


def _join(path: str, name: str) -> str:
    lowered = name[:1].lower() + name[1:]
    return f"{path}.{lowered}" if path else lowered


def _message(kind: str, name: str, details: dict) -> str:
    path = name
    if kind == "missing required field":
        member = details.get("required_name", "")
        path = f"{name}.{member}" if name else member
        return (
            f"Value null at '{_camel(path)}' failed to satisfy constraint: Member must not be null"
        )
    value = details.get("param", details.get("value"))
    if kind == "invalid length":
        return (
            f"Value '{value}' at '{_camel(path)}' failed to satisfy constraint: "
            f"Member must have length greater than or equal to {details.get('min_allowed')}"
        )
    if kind == "invalid range":
        return (
            f"Value '{value}' at '{_camel(path)}' failed to satisfy constraint: "
            f"Member must have value greater than or equal to {details.get('min_allowed')}"
        )
    if kind == "invalid enum":
        return (
            f"Value '{value}' at '{_camel(path)}' failed to satisfy constraint: "
            f"Member must satisfy enum value set: {details.get('valid_values')}"
        )
    if kind == "invalid type":
        return f"Value '{value}' at '{_camel(path)}' has the wrong type"
    return f"Invalid value at '{_camel(path)}' ({kind})"


def _camel(path: str) -> str:
    return ".".join(p[:1].lower() + p[1:] for p in path.split(".") if p)
