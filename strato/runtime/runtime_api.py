"""The Lambda Runtime API one execution environment talks to, on its own loopback port.

A minimal HTTP/1.1 server (httptools) with TCP_NODELAY: without it each warm invoke
waits on Nagle plus delayed ACK (tens of ms).
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import httptools

from .invocation import Invocation

_PREFIX = "/2018-06-01/runtime/"
_REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    413: "Payload Too Large",
    500: "Internal Server Error",
}


class RuntimeApiHandler:
    """What the environment tells the platform; implemented by the sandbox."""

    def on_next(self) -> None: ...

    def on_response(self, request_id: str, body: bytes) -> bool: ...

    def on_error(self, request_id: str, body: bytes, error_type: str | None) -> bool: ...

    def on_init_error(self, body: bytes, error_type: str | None) -> None: ...


class RuntimeApi:
    def __init__(self, handler: RuntimeApiHandler) -> None:
        self.handler = handler
        self._server: asyncio.AbstractServer | None = None
        self._waiting: _Connection | None = None  # a GET /next waiting for work
        self._queued: Invocation | None = None
        self.port = 0

    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Connection(self), "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    def deliver(self, invocation: Invocation) -> None:
        """Hand an invocation to the environment (now, or at its next GET /next)."""
        if self._waiting is not None and not self._waiting.closed:
            conn, self._waiting = self._waiting, None
            conn.send_invocation(invocation)
        else:
            self._queued = invocation

    def _next(self, conn: _Connection) -> None:
        self.handler.on_next()
        if self._queued is not None:
            invocation, self._queued = self._queued, None
            conn.send_invocation(invocation)
        else:
            self._waiting = conn

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._waiting is not None:
            self._waiting.transport.close()
            self._waiting = None


class _Connection(asyncio.Protocol):
    def __init__(self, api: RuntimeApi) -> None:
        self.api = api
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self.closed = False
        self._reset()

    def _reset(self) -> None:
        self.url = b""
        self.headers: dict[bytes, bytes] = {}
        self.body: list[bytes] = []

    # -- asyncio.Protocol --------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.api._waiting is self:
            self.api._waiting = None

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._respond(400, {"errorMessage": "malformed request", "errorType": "InvalidRequest"})
            self.transport.close()

    # -- httptools callbacks -----------------------------------------------
    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.lower()] = value

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        method = self.parser.get_method()
        path = self.url.split(b"?", 1)[0].decode("latin-1")
        body = b"".join(self.body)
        error_type = self.headers.get(b"lambda-runtime-function-error-type")
        error_type_text = error_type.decode("latin-1") if error_type else None
        self._reset()
        self._dispatch(method, path, body, error_type_text)

    # -- routing -------------------------------------------------------------
    def _dispatch(self, method: bytes, path: str, body: bytes, error_type: str | None) -> None:
        if not path.startswith(_PREFIX):
            self._respond(
                404, {"errorMessage": f"unknown path {path}", "errorType": "InvalidRequest"}
            )
            return
        rest = path[len(_PREFIX) :]
        handler = self.api.handler
        if method == b"GET" and rest == "invocation/next":
            self.api._next(self)
            return
        if method == b"POST" and rest == "init/error":
            handler.on_init_error(body, error_type)
            self._respond(202, {"status": "OK"})
            return
        if method == b"POST" and rest.startswith("invocation/"):
            parts = rest.split("/")
            if len(parts) == 3 and parts[2] in ("response", "error"):
                request_id = parts[1]
                if parts[2] == "response":
                    if len(body) > 6 * 1024 * 1024:
                        handler.on_error(
                            request_id,
                            json.dumps(
                                {
                                    "errorMessage": f"Response payload size ({len(body)} bytes) exceeded maximum allowed payload size (6291556 bytes).",
                                    "errorType": "Function.ResponseSizeTooLarge",
                                }
                            ).encode(),
                            "Function.ResponseSizeTooLarge",
                        )
                        self._respond(
                            413,
                            {
                                "errorMessage": "Payload Too Large",
                                "errorType": "RequestEntityTooLarge",
                            },
                        )
                        return
                    ok = handler.on_response(request_id, body)
                else:
                    ok = handler.on_error(request_id, body, error_type)
                if ok:
                    self._respond(202, {"status": "OK"})
                else:
                    self._respond(
                        400,
                        {
                            "errorMessage": f"Invalid request ID: {request_id}",
                            "errorType": "InvalidRequestID",
                        },
                    )
                return
        self._respond(404, {"errorMessage": f"unknown path {path}", "errorType": "InvalidRequest"})

    def send_invocation(self, inv: Invocation) -> None:
        headers = [
            ("Lambda-Runtime-Aws-Request-Id", inv.request_id),
            ("Lambda-Runtime-Deadline-Ms", str(inv.deadline_ms)),
            ("Lambda-Runtime-Invoked-Function-Arn", inv.invoked_arn),
            ("Lambda-Runtime-Trace-Id", inv.trace_id),
        ]
        if inv.client_context:
            headers.append(("Lambda-Runtime-Client-Context", inv.client_context))
        if inv.cognito_identity:
            headers.append(("Lambda-Runtime-Cognito-Identity", inv.cognito_identity))
        self._write(200, inv.payload, headers)

    def _respond(self, status: int, body: Any) -> None:
        self._write(status, json.dumps(body).encode(), ())

    def _write(self, status: int, body: bytes, headers) -> None:
        if self.closed:
            return
        head = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}\r\n",
            "Content-Type: application/json\r\n",
            f"Content-Length: {len(body)}\r\n",
        ]
        head += [f"{k}: {v}\r\n" for k, v in headers]
        head.append("\r\n")
        self.transport.write("".join(head).encode("latin-1") + body)
