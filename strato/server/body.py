"""Read an ASGI request body: in memory when small, spooled to the blob volume when large."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO

# Bodies above this go to a temp file so a 5 GB upload never sits in memory.
SPOOL_THRESHOLD = 8 << 20


async def read_body(
    receive: Callable[[], Awaitable[dict[str, Any]]],
    content_length: int | None,
    temp_file: Callable[[], BinaryIO],
) -> tuple[bytes | BinaryIO, int]:
    buf = bytearray()
    spill: BinaryIO | None = None
    if content_length is not None and content_length > SPOOL_THRESHOLD:
        spill = temp_file()
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionAbortedError("client went away before sending the whole body")
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if spill is not None:
                spill.write(chunk)
            else:
                buf += chunk
                if len(buf) > SPOOL_THRESHOLD:
                    spill = temp_file()
                    spill.write(buf)
                    buf = bytearray()
        if not message.get("more_body", False):
            break
    if spill is not None:
        spill.seek(0)
        return spill, size
    return bytes(buf), size
