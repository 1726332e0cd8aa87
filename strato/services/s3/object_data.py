"""Reading an object's bytes back from its blob segments, whole or as a byte range."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...store import BlobStore

# Objects up to this size are answered from memory; larger ones stream.
INLINE_LIMIT = 1 << 20
CHUNK = 256 << 10


def read(blobs: BlobStore, record: dict[str, Any], first: int, last: int) -> Any:
    """bytes for small reads, else (chunk iterator, length) for the serializer to stream."""
    length = last - first + 1 if record["Size"] else 0
    if length <= 0:
        return b""
    if length <= INLINE_LIMIT:
        return b"".join(_chunks(blobs, record["Segments"], first, length))
    return _chunks(blobs, record["Segments"], first, length), length


def _chunks(blobs: BlobStore, segments: list, offset: int, length: int) -> Iterator[bytes]:
    remaining = length
    for blob_id, size in segments:
        if offset >= size:
            offset -= size
            continue
        with blobs.open(blob_id) as f:
            f.seek(offset)
            take = min(size - offset, remaining)
            while take > 0:
                chunk = f.read(min(CHUNK, take))
                if not chunk:
                    raise OSError(f"blob {blob_id} is shorter than its record says")
                take -= len(chunk)
                remaining -= len(chunk)
                yield chunk
        offset = 0
        if remaining <= 0:
            return


def copy_into(
    blobs: BlobStore,
    record: dict[str, Any],
    hashers: list | None = None,
    first: int = 0,
    last: int | None = None,
):
    """Write (part of) an object's bytes as a new blob, for copies."""
    end = record["Size"] - 1 if last is None else last
    length = end - first + 1 if record["Size"] else 0

    class _Reader:
        def __init__(self) -> None:
            self._it = _chunks(blobs, record["Segments"], first, length) if length > 0 else iter(())

        def read(self, n: int = -1) -> bytes:
            return next(self._it, b"")

    return blobs.write(_Reader(), hashers)
