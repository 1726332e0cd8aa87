"""An AWS API call, end to end: which service, who is calling, which operation, run it, reply."""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from urllib.parse import parse_qsl

from ..auth import AuthFailure, RequestContext, read_credential, verify
from ..auth.sigv4 import Credential, payload_hash_matches, verify_chunk_signatures
from ..platform import Platform
from ..protocol import (
    HttpRequest,
    HttpResponse,
    ServiceError,
    aws_chunked,
    content_encoding,
    parse_params,
    serialize_error,
    serialize_output,
    validate_params,
)
from ..services.registry import ServiceSpec

log = logging.getLogger("strato.api")

# Auth failures per protocol family: (code, HTTP status).
_AUTH_ERRORS = {
    "rest-xml": {
        "bad_token": ("InvalidToken", 400),
        "expired_token": ("ExpiredToken", 400),
        "unknown_key": ("InvalidAccessKeyId", 403),
        "bad_signature": ("SignatureDoesNotMatch", 403),
        "expired": ("AccessDenied", 403),
        "malformed": ("AuthorizationHeaderMalformed", 400),
        "missing": ("AccessDenied", 403),
    },
    "query": {
        "bad_token": ("InvalidClientTokenId", 403),
        "expired_token": ("ExpiredToken", 403),
        "unknown_key": ("InvalidClientTokenId", 403),
        "bad_signature": ("SignatureDoesNotMatch", 403),
        "expired": ("ExpiredToken", 403),
        "malformed": ("IncompleteSignature", 400),
        "missing": ("MissingAuthenticationToken", 403),
    },
    "json": {
        "bad_token": ("UnrecognizedClientException", 400),
        "expired_token": ("ExpiredTokenException", 400),
        "unknown_key": ("UnrecognizedClientException", 400),
        "bad_signature": ("InvalidSignatureException", 400),
        "expired": ("InvalidSignatureException", 400),
        "malformed": ("IncompleteSignatureException", 400),
        "missing": ("MissingAuthenticationTokenException", 400),
    },
    "smithy-rpc-v2-cbor": {
        "bad_token": ("UnrecognizedClientException", 400),
        "expired_token": ("ExpiredTokenException", 400),
        "unknown_key": ("UnrecognizedClientException", 400),
        "bad_signature": ("InvalidSignatureException", 400),
        "expired": ("InvalidSignatureException", 400),
        "malformed": ("IncompleteSignatureException", 400),
        "missing": ("MissingAuthenticationTokenException", 400),
    },
    "rest-json": {
        "bad_token": ("UnrecognizedClientException", 403),
        "expired_token": ("ExpiredTokenException", 403),
        "unknown_key": ("UnrecognizedClientException", 403),
        "bad_signature": ("InvalidSignatureException", 403),
        "expired": ("InvalidSignatureException", 403),
        "malformed": ("IncompleteSignatureException", 400),
        "missing": ("MissingAuthenticationTokenException", 403),
    },
}
_UNKNOWN_KEY_MESSAGE = {
    "rest-xml": "The AWS Access Key Id you provided does not exist in our records.",
}
# S3 words session-token failures its own way.
_S3_TOKEN_MESSAGES = {
    "bad_token": "The provided token is malformed or otherwise invalid.",
    "expired_token": "The provided token has expired.",
}


class AwsApi:
    def __init__(self, platform: Platform, specs: list[ServiceSpec]) -> None:
        self.platform = platform
        self.specs = {s.name: s for s in specs}
        self.by_target = {s.target_prefix: s for s in specs if s.target_prefix}
        self.by_signing: dict[str, list[ServiceSpec]] = defaultdict(list)
        for s in specs:
            self.by_signing[s.signing_name].append(s)
        for s in specs:
            platform.providers[s.name] = s.provider_factory(platform)
        self.providers = platform.providers
        self.s3 = self.specs.get("s3")

    async def handle(self, req: HttpRequest, host: str) -> HttpResponse:
        request_id = str(uuid.uuid4())
        try:
            cred = read_credential(req)
        except AuthFailure as failure:
            return self._auth_error(
                self._identify(req, host, None), failure, request_id, req.method
            )
        spec = self._identify(req, host, cred)
        if spec is None:
            return _unhosted(req, cred, request_id)
        route_path = req.raw_path
        bucket = _virtual_host_bucket(host) if spec is self.s3 else None
        if bucket:
            route_path = "/" + bucket + (req.raw_path if req.raw_path != "/" else "")
            req.extras_path = route_path
        try:
            ctx = self._authenticate(spec, req, cred, request_id, host)
            content_encoding.decode_request_body(spec.model, req)
            op, labels = self._operation(spec, req, route_path)
            ctx.operation = op.name
            params = parse_params(op, req, labels)
            validate_params(op, params, spec.validation_error_code)
            result = await self.platform.call(spec.name, op.name, ctx, params)
            return serialize_output(op, result or {}, request_id, spec.wire)
        except AuthFailure as failure:
            return self._auth_error(spec, failure, request_id, req.method)
        except ServiceError as err:
            return serialize_error(spec.model, err, request_id, spec.wire, req.method)
        except Exception:
            log.exception("internal error in %s", spec.name)
            err = ServiceError(
                "InternalError" if spec.protocol == "rest-xml" else "InternalFailure",
                "We encountered an internal error. Please try again.",
                500,
                sender_fault=False,
            )
            return serialize_error(spec.model, err, request_id, spec.wire, req.method)

    # -- which service ----------------------------------------------------
    def _identify(self, req: HttpRequest, host: str, cred: Credential | None) -> ServiceSpec | None:
        spec = self._identify_service(req, host, cred)
        return spec.for_request(req) if spec is not None else None

    def _identify_service(
        self, req: HttpRequest, host: str, cred: Credential | None
    ) -> ServiceSpec | None:
        target = req.headers.get("x-amz-target")
        if target:
            spec = self.by_target.get(target.rpartition(".")[0])
            if spec is not None:
                return spec
        if cred is not None:
            candidates = self.by_signing.get(cred.service, [])
            if len(candidates) == 1:
                return candidates[0]
            for spec in candidates:
                if spec.protocol != "json":
                    return spec
            if candidates:
                return candidates[0]
            return None
        return self._unsigned_query_service(req) or self.s3

    def _unsigned_query_service(self, req: HttpRequest) -> ServiceSpec | None:
        """The query service whose model lets this action go unsigned (STS AssumeRoleWithWebIdentity)."""
        if "x-www-form-urlencoded" not in req.headers.get("content-type", ""):
            return None
        action = req.query_dict().get("Action") or _form_action(req)
        for spec in self.specs.values():
            if spec.protocol != "query" or action not in spec.model.operation_names:
                continue
            if spec.model.operation_model(action).auth_type == "none":
                return spec
        return None

    # -- who is calling ---------------------------------------------------
    def _authenticate(
        self,
        spec: ServiceSpec,
        req: HttpRequest,
        cred: Credential | None,
        request_id: str,
        host: str,
    ) -> RequestContext:
        settings = self.platform.settings
        check = settings.verify_signatures
        anonymous = False
        if cred is None:
            if check and spec is not self.s3 and self._unsigned_query_service(req) is not spec:
                raise AuthFailure("missing", "Request is missing Authentication Token")
            # Unsigned S3 calls are anonymous: only a bucket policy can let them through.
            anonymous = check
            key = self.platform.accounts.lookup("test")
            region = settings.default_region
        else:
            key = verify(
                req, cred, self.platform.accounts, self.platform.clock.now(), check_signature=check
            )
            region = cred.region or settings.default_region
        assert key is not None
        if aws_chunked.is_aws_chunked(req.headers):
            self._decode_chunked(req, cred, key.secret_access_key if check else None)
        elif check and not payload_hash_matches(req):
            raise ServiceError(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                400,
            )
        return RequestContext(
            account_id=key.account_id,
            region=region,
            principal_arn=key.principal_arn,
            access_key_id=key.access_key_id,
            request_id=request_id,
            service=spec.name,
            host=host,
            extras=_extras(req, anonymous),
        )

    def _decode_chunked(
        self, req: HttpRequest, cred: Credential | None, secret: str | None
    ) -> None:
        large = not isinstance(req.body, (bytes, bytearray))
        decoded = aws_chunked.decode(
            req.body, self.platform.store.blobs.temp_file() if large else None
        )
        if secret is not None and cred is not None and decoded.signatures and not cred.sigv2:
            verify_chunk_signatures(cred, secret, decoded.signatures)
        req.body, req.body_size = decoded.data, decoded.size
        req.headers.update(decoded.trailers)
        encodings = [
            e.strip()
            for e in req.headers.get("content-encoding", "").split(",")
            if e.strip() and e.strip() != "aws-chunked"
        ]
        if encodings:
            req.headers["content-encoding"] = ",".join(encodings)
        else:
            req.headers.pop("content-encoding", None)
        declared = req.headers.get("x-amz-decoded-content-length")
        if declared is not None and declared.isdigit() and int(declared) != decoded.size:
            raise ServiceError(
                "IncompleteBody",
                "You did not provide the number of bytes specified by the Content-Length HTTP header",
                400,
            )

    # -- which operation --------------------------------------------------
    def _operation(self, spec: ServiceSpec, req: HttpRequest, route_path: str):
        router = spec.router
        if spec.protocol == "json":
            target = req.headers.get("x-amz-target", "")
            op = router.by_name(target.rpartition(".")[2])
            if op is None:
                raise ServiceError("UnknownOperationException", f"Unknown operation {target}", 400)
            return op, {}
        if spec.protocol == "query":
            action = req.query_dict().get("Action") or _form_action(req)
            op = router.by_name(action or "")
            if op is None:
                raise ServiceError("InvalidAction", f"Could not find operation {action}", 400)
            return op, {}
        if spec.protocol == "smithy-rpc-v2-cbor":
            return router.match_rpc_v2(req), {}
        return router.match_rest(req, route_path)

    def _auth_error(
        self, spec: ServiceSpec | None, failure: AuthFailure, request_id: str, method: str
    ) -> HttpResponse:
        spec = spec or self.s3
        assert spec is not None
        code, status = _AUTH_ERRORS[spec.protocol][failure.kind]
        message = failure.message
        if failure.kind == "unknown_key" and spec.protocol != "rest-xml":
            message = "The security token included in the request is invalid."
        if spec.protocol == "rest-xml":
            message = _S3_TOKEN_MESSAGES.get(failure.kind, message)
        err = ServiceError(code, message, status)
        return serialize_error(spec.model, err, request_id, spec.wire, method)


def _form_action(req: HttpRequest) -> str | None:
    if req.method != "POST":
        return None
    for k, v in parse_qsl(req.body_bytes().decode(errors="replace")):
        if k == "Action":
            return v
    return None


def _virtual_host_bucket(host: str) -> str | None:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    for marker in (".s3.", ".s3-"):
        i = name.find(marker)
        if i > 0:
            return name[:i]
    return None


def _extras(req: HttpRequest, anonymous: bool) -> dict:
    extras: dict = {}
    if anonymous:
        extras["anonymous"] = True
    trace = req.headers.get("x-amzn-trace-id")
    if trace:
        extras["trace_header"] = trace  # carries Lambda's recursion lineage between calls
    return extras


def _unhosted(req: HttpRequest, cred: Credential | None, request_id: str) -> HttpResponse:
    """An error the caller's SDK can parse, in the wire format its service speaks."""
    service = cred.service if cred is not None else "this"
    message = f"Strato does not host the {service} service yet."
    if "x-amz-target" in req.headers or "json" in req.headers.get("content-type", ""):
        body = json.dumps({"__type": "UnknownOperationException", "message": message}).encode()
        return HttpResponse(
            status=400,
            headers=[
                ("Content-Type", "application/x-amz-json-1.1"),
                ("x-amzn-ErrorType", "UnknownOperationException"),
                ("x-amzn-RequestId", request_id),
            ],
            body=body,
        )
    code = (
        "InvalidAction"
        if "x-www-form-urlencoded" in req.headers.get("content-type", "")
        else "NotImplemented"
    )
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    return HttpResponse(
        status=400,
        headers=[("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
        body=body,
    )
