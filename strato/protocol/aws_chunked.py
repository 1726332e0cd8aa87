"""Decode `aws-chunked` request bodies (S3 streaming uploads with chunk signatures or trailers)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import BinaryIO

from .errors import ServiceError


@dataclass
class ChunkedBody:
    data: bytes | BinaryIO
    size: int
    trailers: dict[str, str] = field(default_factory=dict)
    # (sha256 of the chunk data, signature the client sent) in order, for signed streams
    signatures: list[tuple[str, str]] = field(default_factory=list)


def is_aws_chunked(headers: dict[str, str]) -> bool:
    return "aws-chunked" in headers.get("content-encoding", "") or headers.get(
        "x-amz-content-sha256", ""
    ).startswith("STREAMING-")


def decode(src: bytes | BinaryIO, spill: BinaryIO | None = None) -> ChunkedBody:
    """Strip the chunk framing; write to `spill` (for large bodies) or return bytes."""
    reader: BinaryIO = io.BytesIO(src) if isinstance(src, (bytes, bytearray)) else src
    reader.seek(0)
    out: BinaryIO = spill if spill is not None else io.BytesIO()
    body = ChunkedBody(data=b"", size=0)
    while True:
        line = reader.readline()
        if not line:
            raise _bad("the aws-chunked body ended before its final chunk")
        header = line.strip().decode("latin-1")
        if not header:
            continue
        size_text, _, ext = header.partition(";")
        try:
            size = int(size_text, 16)
        except ValueError as e:
            raise _bad(f"bad chunk header {header!r}") from e
        sig = ext.partition("chunk-signature=")[2] if "chunk-signature=" in ext else None
        data = reader.read(size)
        if len(data) != size:
            raise _bad("a chunk is shorter than its declared size")
        if sig is not None:
            body.signatures.append((hashlib.sha256(data).hexdigest(), sig))
        if size == 0:
            break
        out.write(data)
        body.size += size
        if reader.read(2) != b"\r\n":
            raise _bad("a chunk is not followed by CRLF")
    for raw in reader.read().split(b"\r\n"):
        name, sep, value = raw.decode("latin-1").partition(":")
        if sep:
            body.trailers[name.strip().lower()] = value.strip()
    if spill is None:
        body.data = out.getvalue()  # type: ignore[union-attr]
    else:
        spill.seek(0)
        body.data = spill
    return body


def _bad(message: str) -> ServiceError:
    return ServiceError(
        "IncompleteBody", f"The request body is not valid aws-chunked: {message}", 400
    )
