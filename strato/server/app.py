"""The single ASGI entry point: Strato's own endpoints, or an AWS API call."""

from __future__ import annotations

import logging
from typing import Any

from ..platform import Platform
from ..protocol import HttpRequest, HttpResponse
from ..services.registry import ServiceSpec, hosted_services
from .aws_api import AwsApi
from .body import read_body
from .internal import handle_internal

log = logging.getLogger("strato.server")


class StratoApp:
    def __init__(self, platform: Platform, specs: list[ServiceSpec] | None = None) -> None:
        self.platform = platform
        specs = specs if specs is not None else hosted_services()
        self.service_names = [s.name for s in specs]
        self.api = AwsApi(platform, specs)

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await _lifespan(self.platform, receive, send)

    async def _http(self, scope: dict[str, Any], receive, send) -> None:
        headers: dict[str, str] = {}
        for k, v in scope["headers"]:
            name = k.decode("latin-1").lower()
            value = v.decode("latin-1")
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        raw_path = scope.get("raw_path")
        path = raw_path.decode("utf-8", "surrogateescape") if raw_path else scope["path"]
        length_text = headers.get("content-length")
        length = int(length_text) if length_text and length_text.isdigit() else None
        try:
            body, size = await read_body(receive, length, self.platform.store.blobs.temp_file)
        except ConnectionAbortedError:
            return
        req = HttpRequest(
            method=scope["method"],
            raw_path=path,
            query_string=scope["query_string"].decode("utf-8", "surrogateescape"),
            headers=headers,
            body=body,
            body_size=size,
        )
        host = headers.get("host", "")
        try:
            if path.startswith("/_strato/"):
                resp = handle_internal(self.platform, self.service_names, req)
            else:
                resp = await self.api.handle(req, host)
        finally:
            if not isinstance(body, (bytes, bytearray)):
                body.close()
        await _send(send, resp, scope["method"])


async def _send(send, resp: HttpResponse, method: str) -> None:
    seen: set[str] = set()
    headers: list[tuple[bytes, bytes]] = []
    for name, value in resp.headers:
        low = name.lower()
        if low in seen or low == "content-length":
            continue
        seen.add(low)
        headers.append((name.encode("latin-1"), str(value).encode("latin-1", "replace")))
    body = resp.body
    if resp.status in (204, 304):
        body = b""  # these statuses carry no body: a stray one would corrupt the next response
    streamed = not isinstance(body, (bytes, bytearray))
    if method == "HEAD":
        length = next((v for n, v in resp.headers if n.lower() == "content-length"), None)
        if length is not None:
            headers.append((b"content-length", str(length).encode()))
        await send({"type": "http.response.start", "status": resp.status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    if streamed:
        if resp.content_length is not None:
            headers.append((b"content-length", str(resp.content_length).encode()))
    elif resp.status not in (204, 304):
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": resp.status, "headers": headers})
    if not streamed:
        await send({"type": "http.response.body", "body": bytes(body)})
        return
    try:
        for chunk in body:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    await send({"type": "http.response.body", "body": b""})


async def _lifespan(platform: Platform, receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await platform.start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await platform.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
