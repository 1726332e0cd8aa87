"""Turn an operation's output dict, or a ServiceError, into the HTTP response its protocol expects."""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from . import cbor
from .cbor_codec import to_cbor
from .errors import ServiceError
from .json_codec import to_json
from .request import HttpResponse
from .scalars import format_scalar
from .xml_codec import INTERLEAVE, escape, to_xml

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
RPC_V2_CBOR = "smithy-rpc-v2-cbor"
_CBOR_HEADERS = [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor")]


@dataclass
class WireOptions:
    """What a service's wire format needs beyond its model."""

    xml_namespace: str | None = None
    xml_root_names: dict[str, str] = field(default_factory=dict)  # operation -> root element
    bare_xml_errors: bool = False  # S3 puts <Error> at the root; other rest-xml wraps it
    error_type_prefix: str = ""  # json services that qualify __type, e.g. DynamoDB's namespace
    crc32_header: bool = False  # DynamoDB sends x-amz-crc32 of the body; SDKs verify it
    # awsQueryCompatible json: error shape name -> the legacy query code its header carries
    query_error_codes: dict[str, str] = field(default_factory=dict)


def serialize_output(
    op: OperationModel, output: dict[str, Any], request_id: str, opts: WireOptions
) -> HttpResponse:
    protocol = op.metadata["protocol"]
    status = output.pop("_status", None) or op.http.get("responseCode", 200)
    shape = op.output_shape
    resp = HttpResponse(status=status)
    if protocol == "json":
        body = to_json(shape, output) if shape is not None else {}
        resp.body = _dumps(body).encode()
        resp.headers.append(("Content-Type", _json_content_type(op.metadata)))
        resp.headers.append(("x-amzn-RequestId", request_id))
        if opts.crc32_header:
            resp.headers.append(("x-amz-crc32", str(zlib.crc32(resp.body))))
        return resp
    if protocol == RPC_V2_CBOR:
        if shape is not None:  # an operation without output answers with no body at all
            resp.body = cbor.encode(to_cbor(shape, output))
            resp.headers += _CBOR_HEADERS
        else:
            resp.headers.append(_CBOR_HEADERS[0])
        resp.headers.append(("x-amzn-RequestId", request_id))
        return resp
    if protocol == "query":
        resp.body = _query_body(op, shape, output, request_id, opts).encode()
        resp.headers.append(("Content-Type", "text/xml"))
        resp.headers.append(("x-amzn-RequestId", request_id))
        return resp
    _rest_output(op, shape, output, protocol, opts, resp)
    resp.headers.append(
        ("x-amz-request-id" if protocol == "rest-xml" else "x-amzn-RequestId", request_id)
    )
    return resp


def _json_content_type(metadata: dict) -> str:
    return f"application/x-amz-json-{metadata.get('jsonVersion', '1.0')}"


def _rest_output(
    op: OperationModel,
    shape: Shape | None,
    output: dict[str, Any],
    protocol: str,
    opts: WireOptions,
    resp: HttpResponse,
) -> None:
    if shape is None:
        return
    body_values: dict[str, Any] = {}
    for name, value in output.items():
        member = shape.members.get(name)
        if member is None or value is None:
            continue
        ser = member.serialization
        loc = ser.get("location")
        where = ser.get("name", name)
        if loc == "header":
            resp.headers.append((where, _header_value(member, value)))
        elif loc == "headers":
            for k, v in value.items():
                resp.headers.append((where + k, str(v)))
        elif loc == "statusCode":
            resp.status = int(value)
        else:
            body_values[name] = value
    if INTERLEAVE in output:
        body_values[INTERLEAVE] = output[INTERLEAVE]
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        value = body_values.get(payload)
        if member.type_name in ("blob", "string"):
            if value is None:
                return
            if isinstance(value, str):
                resp.body = value.encode()
            elif isinstance(value, (bytes, bytearray, memoryview)):
                resp.body = bytes(value)
            else:  # a stream: (iterable of chunks, length)
                resp.body, resp.content_length = value
            return
        if value is None:
            return
        if protocol == "rest-json":
            resp.body = _dumps(to_json(member, value)).encode()
            resp.headers.append(("Content-Type", "application/json"))
        else:
            root = opts.xml_root_names.get(op.name) or member.serialization.get("name", payload)
            resp.body = _xml_document(member, value, root, opts).encode()
            resp.headers.append(("Content-Type", "application/xml"))
        return
    if protocol == "rest-json":
        resp.body = _dumps(to_json(shape, body_values)).encode()
        resp.headers.append(("Content-Type", "application/json"))
        return
    root = opts.xml_root_names.get(op.name) or shape.serialization.get("name")
    if not body_values and root is None:
        return
    resp.body = _xml_document(shape, body_values, root or f"{op.name}Result", opts).encode()
    resp.headers.append(("Content-Type", "application/xml"))


def _xml_document(shape: Shape, value: Any, root: str, opts: WireOptions) -> str:
    out: list[str] = [XML_DECL]
    ns = f' xmlns="{opts.xml_namespace}"' if opts.xml_namespace else ""
    if shape.type_name == "structure" and len(value) == 1:
        # A root that is itself a scalar member, e.g. S3's <LocationConstraint>.
        ((only_name, only_value),) = value.items()
        member = shape.members[only_name]
        if member.serialization.get("name", only_name) == root and member.type_name not in (
            "structure",
            "list",
            "map",
        ):
            text = escape(format_scalar(member.type_name, only_value))
            return f"{XML_DECL}<{root}{ns}>{text}</{root}>"
    to_xml(shape, value, root, out, attrs=ns if shape.type_name == "structure" else "")
    return "".join(out)


def _header_value(member: Shape, value: Any) -> str:
    t = member.type_name
    if t == "timestamp":
        return str(format_scalar(t, value, member.serialization.get("timestampFormat", "rfc822")))
    if t == "list":
        items = [format_scalar(member.member.type_name, v) for v in value]
        return ",".join(_quote_header_item(v) for v in items)
    if t == "string" and member.serialization.get("jsonvalue"):
        return base64.b64encode(_dumps(value).encode()).decode()
    return format_scalar(t, value)


def _quote_header_item(value: str) -> str:
    """A list item as an RFC 9110 quoted-string when it holds a comma or a quote."""
    if "," not in value and '"' not in value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _query_body(
    op: OperationModel,
    shape: Shape | None,
    output: dict[str, Any],
    request_id: str,
    opts: WireOptions,
) -> str:
    ns = opts.xml_namespace or op.metadata.get("xmlNamespace") or ""
    ns_attr = f' xmlns="{ns}"' if ns else ""
    out = [f"<{op.name}Response{ns_attr}>"]
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper") or f"{op.name}Result"
        to_xml(shape, output, wrapper, out)
    out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    out.append(f"</{op.name}Response>")
    return "".join(out)


def serialize_error(
    model: ServiceModel,
    err: ServiceError,
    request_id: str,
    opts: WireOptions,
    method: str = "POST",
) -> HttpResponse:
    protocol = model.protocol
    resp = HttpResponse(status=err.status)
    resp.headers.extend(err.headers.items())
    if err.status == 304 or method == "HEAD":
        resp.headers.append(("x-amz-request-id", request_id))
        return resp
    shape = _error_shape(model, err.code)
    # Providers may name an error by its shape or by its code; clients match on the code.
    code = shape.error_code if shape is not None else err.code
    fields = {k: v for k, v in err.fields.items() if v is not None}
    if shape is not None and protocol in ("rest-json", "rest-xml"):
        for name, value in list(fields.items()):
            member = shape.members.get(name)
            if member is not None and member.serialization.get("location") == "header":
                resp.headers.append(
                    (member.serialization.get("name", name), _header_value(member, value))
                )
                del fields[name]
    if protocol in ("json", "rest-json", RPC_V2_CBOR):
        encode_fields = to_cbor if protocol == RPC_V2_CBOR else to_json
        if shape is not None:
            fields = encode_fields(shape, {k: v for k, v in fields.items() if k in shape.members})
        wire_type = code
        if model.is_query_compatible:
            # JSON clients match the shape name; botocore takes the legacy query code from the header.
            wire_type = shape.name if shape is not None else code
            fault = "Sender" if err.sender_fault else "Receiver"
            query_code = opts.query_error_codes.get(wire_type, code)
            resp.headers.append(("x-amzn-query-error", f"{query_code};{fault}"))
        body = {"__type": opts.error_type_prefix + wire_type, "message": err.message, **fields}
        if protocol == RPC_V2_CBOR:
            resp.body = cbor.encode(body)
            resp.headers += _CBOR_HEADERS
            resp.headers += [("x-amzn-ErrorType", wire_type), ("x-amzn-RequestId", request_id)]
            return resp
        resp.body = _dumps(body).encode()
        if opts.crc32_header:
            resp.headers.append(("x-amz-crc32", str(zlib.crc32(resp.body))))
        ctype = (
            "application/json" if protocol == "rest-json" else _json_content_type(model.metadata)
        )
        resp.headers += [
            ("Content-Type", ctype),
            ("x-amzn-ErrorType", wire_type),
            ("x-amzn-RequestId", request_id),
        ]
        return resp
    extra = _xml_error_fields(shape, fields)
    head = f"<Code>{escape(code)}</Code><Message>{escape(err.message)}</Message>{extra}"
    if opts.bare_xml_errors:
        body = f"{XML_DECL}<Error>{head}<RequestId>{request_id}</RequestId><HostId>{request_id}</HostId></Error>"
        resp.headers.append(("x-amz-request-id", request_id))
    else:
        kind = "Sender" if err.sender_fault else "Receiver"
        ns = opts.xml_namespace or model.metadata.get("xmlNamespace") or ""
        ns_attr = f' xmlns="{ns}"' if ns and protocol == "query" else ""
        body = (
            f"<ErrorResponse{ns_attr}><Error><Type>{kind}</Type>{head}</Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        resp.headers.append(("x-amzn-RequestId", request_id))
    resp.body = body.encode()
    resp.headers.append(("Content-Type", "text/xml" if protocol == "query" else "application/xml"))
    return resp


def _error_shape(model: ServiceModel, code: str) -> Shape | None:
    """The modeled exception for `code`, given as its wire code or its shape name."""
    shape = model.shape_for_error_code(code)
    if shape is None and code in _shape_names(model):
        shape = model.shape_for(code)
        if not shape.metadata.get("exception"):
            return None
    return shape if shape is not None and shape.type_name == "structure" else None


@cache
def _shape_names(model: ServiceModel) -> frozenset[str]:
    return frozenset(model.shape_names)


def _xml_error_fields(shape: Shape | None, fields: dict[str, Any]) -> str:
    out: list[str] = []
    for name, value in fields.items():
        member = shape.members.get(name) if shape is not None else None
        if member is None:
            out.append(f"<{name}>{escape(str(value))}</{name}>")
        else:
            to_xml(member, value, member.serialization.get("name", name), out)
    return "".join(out)
