"""Every operation of the hosted services' models, round-tripped between botocore and Strato.

Requests: botocore's client serializer -> HTTP as sent -> our router and parser -> the same params.
Responses: our serializer -> HTTP -> botocore's client parser -> the same output.
Errors: our error serializer -> botocore's parser -> the same code, message and modeled fields.
"""

from __future__ import annotations

import copy
import io
import re
from functools import cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from botocore.awsrequest import HeadersDict, create_request_object, prepare_request_dict
from botocore.handlers import parse_get_bucket_location
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer
from shape_samples import SampleGenerator, first_difference, normalize

from strato.protocol import (
    HttpRequest,
    HttpResponse,
    OperationRouter,
    ServiceError,
    WireOptions,
    load_service_model,
    parse_params,
    serialize_error,
    serialize_output,
)
from strato.protocol.scalars import parse_scalar
from strato.services.s3.wire import WIRE as S3_WIRE

SERVICES = [
    "s3",
    "dynamodb",
    "dynamodbstreams",
    "sqs",
    "sns",
    "events",
    "lambda",
    "stepfunctions",
    "secretsmanager",
    "ssm",
    "sts",
    "logs",
    "apigateway",
    "iam",
    "cloudformation",
    "kms",
    "route53",
    "cloudfront",
    # smithy-rpc-v2-cbor, botocore's first protocol for these models
    "cloudwatch",
    "arc-region-switch",
    "comprehendmedical",
    "compute-optimizer",
    "compute-optimizer-automation",
    "gamelift",
    "interconnect",
    "marketplace-entitlement",
    "snowball",
    # CloudWatch's older protocols, still sent by older SDKs and CLIs ("service:protocol")
    "cloudwatch:json",
    "cloudwatch:query",
]
SUPPORTED_PROTOCOLS = {"json", "rest-json", "rest-xml", "query", "smithy-rpc-v2-cbor"}
WIRE_OPTIONS = {"s3": S3_WIRE}
ENDPOINT = "https://strato.test"

# Sample values per operation: every member filled; required members only; every list and
# map empty where the model allows.
VARIANTS: dict[str, dict[str, bool]] = {
    "full": {},
    "required-only": {"minimal": True},
    "empty": {"empty": True},
}

# botocore's client finishes parsing these responses in an after-call handler.
AFTER_CALL = {("s3", "GetBucketLocation"): parse_get_bucket_location}

# (service, direction, operation or error code) -> why it cannot round-trip.
# A quirk that starts passing fails the test too, so this list only shrinks.
KNOWN_QUIRKS: dict[tuple[str, str, str], str] = {
    # Deprecated operations that send exactly the request of their successor
    # (...Configuration); we route to the successor, whose input is a superset.
    ("s3", "request", "GetBucketLifecycle"): "same GET /{Bucket}?lifecycle",
    ("s3", "request", "PutBucketLifecycle"): "same PUT /{Bucket}?lifecycle",
    ("s3", "request", "GetBucketNotification"): "same GET /{Bucket}?notification",
    ("s3", "request", "PutBucketNotification"): "same PUT /{Bucket}?notification",
    # Told apart from ListBuckets only by the s3express control-plane host name.
    ("s3", "request", "ListDirectoryBuckets"): "same GET / as ListBuckets",
    # The deprecated scalar Event and the flattened Events list both use <Event> elements;
    # botocore cannot parse that shape from any body.
    ("s3", "response", "GetBucketNotification"): "Event and Events share the <Event> element",
    # JSON operations whose output is an event stream; Strato has no event-stream encoder yet.
    ("logs", "response", "GetLogObject"): "event-stream output (FieldStream)",
    ("logs", "response", "StartLiveTail"): "event-stream output (responseStream)",
}


@cache
def _model(service: str) -> ServiceModel:
    name, _, protocol = service.partition(":")
    return load_service_model(name, protocol=protocol or None)


@cache
def _router(service: str) -> OperationRouter:
    return OperationRouter(_model(service))


def _service_or_skip(service: str) -> ServiceModel:
    model = _model(service)
    if model.protocol not in SUPPORTED_PROTOCOLS:
        pytest.skip(f"{service} speaks {model.protocol}")
    return model


# -- requests -------------------------------------------------------------------------------


def _http_request(request_dict: dict) -> HttpRequest:
    """The request as an HTTP server hands it over, built the way botocore's client sends it."""
    prepare_request_dict(request_dict, endpoint_url=ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    url = urlsplit(prepared.url)
    headers: dict[str, str] = {}
    for name, value in prepared.headers.items():
        value = value.decode() if isinstance(value, bytes) else str(value)
        low = name.lower()
        headers[low] = f"{headers[low]},{value}" if low in headers else value
    body = prepared.body
    if body is None:
        body = b""
    elif hasattr(body, "read"):
        body = body.read()
    elif isinstance(body, str):
        body = body.encode()
    return HttpRequest(
        method=prepared.method,
        raw_path=url.path or "/",
        query_string=url.query,
        headers=headers,
        body=bytes(body),
        body_size=len(body),
    )


def _route(service: str, req: HttpRequest) -> tuple[OperationModel | None, dict[str, str]]:
    router = _router(service)
    protocol = _model(service).protocol
    if protocol == "json":
        return router.by_name(req.headers.get("x-amz-target", "").rpartition(".")[2]), {}
    if protocol == "query":
        fields = dict(parse_qsl(req.body_bytes().decode()))
        return router.by_name(fields.get("Action", "")), {}
    if protocol == "smithy-rpc-v2-cbor":
        return router.match_rpc_v2(req), {}
    return router.match_rest(req, req.raw_path)


def request_roundtrip(service: str, op: OperationModel, variant: str) -> str | None:
    """None when our parser yields what the botocore caller passed, else what differs."""
    greedy = frozenset(re.findall(r"\{([^}]+)\+\}", op.http.get("requestUri", "")))
    gen = SampleGenerator(f"{service}.{op.name}.in", greedy=greedy, **VARIANTS[variant])
    params = gen.top(op.input_shape)
    serializer = create_serializer(op.metadata["protocol"], include_validation=False)
    request_dict = serializer.serialize_to_request(copy.deepcopy(params), op)
    req = _http_request(request_dict)
    found, labels = _route(service, req)
    if found is None or found.name != op.name:
        return f"routed to {found.name if found else None}"
    parsed = parse_params(op, req, labels)
    shape = op.input_shape
    _drop_wire_defaults(shape, params, parsed)
    return first_difference(
        normalize(shape, params), normalize(shape, parsed), empty_may_vanish=variant == "empty"
    )


def _drop_wire_defaults(shape: Shape | None, sent: dict, parsed: dict) -> None:
    """Forget what a parser reports for members the wire cannot tell from absent ones."""
    if shape is None:
        return
    payload = shape.serialization.get("payload")
    for name in [n for n in parsed if n not in sent and n in shape.members]:
        loc = shape.members[name].serialization.get("location")
        value = parsed[name]
        wire_name = shape.members[name].serialization.get("name", name).lower()
        if loc == "statusCode" or value is None:  # the HTTP status; an empty element
            del parsed[name]
        elif loc == "header" and wire_name == "content-length":  # HTTP sets it for any body
            del parsed[name]
        elif loc == "headers" and value == {}:
            del parsed[name]
        elif name == payload and (value in ({}, b"", "") or _is_empty_stream(value)):
            del parsed[name]


def _is_empty_stream(value: Any) -> bool:
    if not hasattr(value, "read"):
        return False
    data = value.read()
    return data == b""


# -- responses ------------------------------------------------------------------------------


def _response_dict(resp: HttpResponse, op: OperationModel | None) -> dict[str, Any]:
    """What botocore's endpoint hands its parser for this HTTP response."""
    headers = HeadersDict()
    for name, value in resp.headers:
        if name not in headers:  # the server sends the first of repeated names
            headers[name] = str(value)
    body = resp.body
    if not isinstance(body, (bytes, bytearray)):
        body = b"".join(body)
    body = bytes(body)
    result: dict[str, Any] = {
        "status_code": resp.status,
        "headers": headers,
        "body": body,
        "context": {"operation_name": op.name if op else ""},
    }
    if resp.status < 300 and op is not None:
        if op.has_event_stream_output:
            result["body"] = io.BytesIO(body)
        elif op.has_streaming_output:
            result["body"] = StreamingBody(io.BytesIO(body), len(body))
    return result


def _drop_event_streams(shape: Shape | None, parsed: dict) -> None:
    if shape is None:
        return
    for name, member in shape.members.items():
        if member.serialization.get("eventstream") or member.metadata.get("eventstream"):
            parsed.pop(name, None)


def response_roundtrip(service: str, op: OperationModel, variant: str) -> str | None:
    gen = SampleGenerator(f"{service}.{op.name}.out", output=True, **VARIANTS[variant])
    output = gen.top(op.output_shape)
    opts = WIRE_OPTIONS.get(service, WireOptions())
    resp = serialize_output(op, copy.deepcopy(output), "req-0001", opts)
    parser = create_parser(op.metadata["protocol"])
    parsed = parser.parse(_response_dict(resp, op), op.output_shape)
    parsed.pop("ResponseMetadata", None)
    after_call = AFTER_CALL.get((service, op.name))
    if after_call is not None:
        body = _response_dict(resp, None)["body"]
        after_call(parsed=parsed, http_response=SimpleNamespace(raw=True, content=body))
    _drop_event_streams(op.output_shape, parsed)
    shape = op.output_shape
    _drop_wire_defaults(shape, output, parsed)
    return first_difference(
        normalize(shape, output), normalize(shape, parsed), empty_may_vanish=variant == "empty"
    )


# -- errors ---------------------------------------------------------------------------------


def _is_message(name: str, member: Shape) -> bool:
    return member.serialization.get("name", name).lower() == "message"


def error_roundtrip(service: str, shape: Shape, raised_as: str) -> str | None:
    """`raised_as` is what a provider passes: the error's wire code or its shape name."""
    model = _model(service)
    code = shape.error_code
    status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
    fields = SampleGenerator(f"{service}.{shape.name}.err", output=True).top(shape)
    fields = {k: v for k, v in fields.items() if not _is_message(k, shape.members[k])}
    message = f"Sample <{code}> message & more"
    err = ServiceError(raised_as, message, status, **copy.deepcopy(fields))
    opts = WIRE_OPTIONS.get(service, WireOptions())
    resp = serialize_error(model, err, "req-0001", opts)
    response_dict = _response_dict(resp, None)
    parser = create_parser(model.protocol)
    error = parser.parse(response_dict, None).get("Error", {})
    if error.get("Code") != code:
        return f"Error.Code: expected {code!r}, got {error.get('Code')!r}"
    if error.get("Message") != message:
        return f"Error.Message: expected {message!r}, got {error.get('Message')!r}"
    if resp.status != status:
        return f"status: expected {status}, got {resp.status}"
    if (
        model.is_query_compatible
        and model.protocol != "query"
        and error.get("QueryErrorCode") != shape.name
    ):
        # JSON SDKs other than botocore match __type against the shape name
        return f"__type: expected {shape.name!r}, got {error.get('QueryErrorCode')!r}"
    if model.protocol in ("rest-xml", "query") and not opts.bare_xml_errors:
        # botocore reads <ErrorResponse><Error> children only as text, into Error
        return _wrapped_xml_fields_difference(shape, fields, error)
    # the modeled fields, added the way botocore's endpoint adds them for a client
    modeled = parser.parse(response_dict, model.shape_for_error_code(code))
    modeled = {k: v for k, v in modeled.items() if k in fields}
    return first_difference(normalize(shape, fields), normalize(shape, modeled), ".fields")


def _wrapped_xml_fields_difference(shape: Shape, fields: dict, error: dict) -> str | None:
    for name, value in fields.items():
        member = shape.members[name]
        if member.type_name in ("structure", "list", "map"):
            continue
        got = error.get(member.serialization.get("name", name))
        if got is None or parse_scalar(member.type_name, got) != value:
            return f".fields.{name}: expected {value!r}, got {got!r}"
    return None


# -- the tests ------------------------------------------------------------------------------


def _check(service: str, direction: str, results: dict[str, str | None], report) -> None:
    failures = {name: why for name, why in results.items() if why is not None}
    report(service, direction, len(results) - len(failures), len(results))
    quirks = {name for (s, d, name) in KNOWN_QUIRKS if s == service and d == direction}
    unexpected = {name: why for name, why in failures.items() if name not in quirks}
    fixed = sorted(quirks - set(failures))
    lines = [f"{name}: {why}" for name, why in sorted(unexpected.items())]
    lines += [f"{name}: listed in KNOWN_QUIRKS but now round-trips" for name in fixed]
    assert not lines, f"{service} {direction}: {len(lines)} problem(s)\n" + "\n".join(lines)


def _run(fn, *args) -> str | None:
    try:
        return fn(*args)
    except Exception as e:  # a crash in either side is a mismatch worth reading
        return f"{type(e).__name__}: {e}"


def _run_variants(fn, service: str, op: OperationModel) -> str | None:
    """The first difference in any variant of the sample values."""
    for variant in VARIANTS:
        why = _run(fn, service, op, variant)
        if why is not None:
            return f"{variant}: {why}"
    return None


@pytest.mark.parametrize("service", SERVICES)
def test_request_roundtrip(service, roundtrip_report):
    model = _service_or_skip(service)
    results = {
        name: _run_variants(request_roundtrip, service, model.operation_model(name))
        for name in model.operation_names
    }
    _check(service, "request", results, roundtrip_report)


@pytest.mark.parametrize("service", SERVICES)
def test_response_roundtrip(service, roundtrip_report):
    model = _service_or_skip(service)
    results = {
        name: _run_variants(response_roundtrip, service, model.operation_model(name))
        for name in model.operation_names
    }
    _check(service, "response", results, roundtrip_report)


@pytest.mark.parametrize("service", SERVICES)
def test_error_roundtrip(service, roundtrip_report):
    model = _service_or_skip(service)
    results = {}
    for shape in model.error_shapes:
        for raised_as in dict.fromkeys([shape.error_code, shape.name]):
            results[raised_as] = _run(error_roundtrip, service, shape, raised_as)
    assert results, f"{service} models no errors"
    _check(service, "error", results, roundtrip_report)
