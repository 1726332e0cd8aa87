"""Request bodies an SDK compressed (`Content-Encoding: gzip`, e.g. CloudWatch PutMetricData)."""

from __future__ import annotations

import zlib

from botocore.model import ServiceModel

from .errors import ServiceError
from .request import HttpRequest

# Protocols whose body is always one document, so an encoding can only be a compression.
# rest-xml and rest-json payloads keep theirs: an S3 object stored gzip'd stays gzip'd.
_DOCUMENT_PROTOCOLS = frozenset({"json", "query", "smithy-rpc-v2-cbor"})
_MAX_DECODED = 64 << 20  # far above any API's request limit; stops a gzip bomb


def decode_request_body(model: ServiceModel, req: HttpRequest) -> None:
    """Replace a gzip'd document body with its bytes and drop the encoding from the headers."""
    encodings = [e.strip() for e in req.headers.get("content-encoding", "").split(",")]
    if "gzip" not in encodings or model.protocol not in _DOCUMENT_PROTOCOLS:
        return
    try:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        data = inflater.decompress(req.body_bytes(), _MAX_DECODED)
        if inflater.unconsumed_tail:
            raise ServiceError("RequestEntityTooLarge", "Request body is too large", 413)
    except zlib.error as e:
        raise ServiceError(
            "SerializationException", "The request body is not valid gzip data", 400
        ) from e
    req.body, req.body_size = data, len(data)
    rest = [e for e in encodings if e and e != "gzip"]
    if rest:
        req.headers["content-encoding"] = ",".join(rest)
    else:
        req.headers.pop("content-encoding", None)
