"""A stand-in Lambda Runtime API for testing the runtime clients on their own.

It queues invocations, hands them out on GET /invocation/next and records every
request a client makes, so tests can assert on exactly what the client sent.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"


@dataclass
class Posted:
    """One request the client made."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    at: float = field(default_factory=time.perf_counter)

    @property
    def kind(self) -> str:
        return self.path.rsplit("/", 1)[-1]  # "next", "response", "error"

    def json(self):
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client process killed mid-connection is expected here


class FakeRuntimeApi:
    def __init__(self) -> None:
        self._pending: deque = deque()  # invocations not yet handed out
        self._cond = threading.Condition()
        self.requests: list[Posted] = []
        self._results: dict[str, Posted] = {}
        self._init_error: Posted | None = None
        self._closing = False
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeRuntimeApi:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing = True
        self._server.shutdown()
        self._server.server_close()

    # -- what a test does ------------------------------------------------------
    def invoke(
        self,
        event=None,
        *,
        raw: bytes | None = None,
        request_id: str | None = None,
        deadline_ms: int | None = None,
        arn: str = "arn:aws:lambda:us-east-1:000000000000:function:my-function",
        trace_id: str | None = None,
        client_context: dict | None = None,
        cognito_identity: dict | None = None,
    ) -> str:
        request_id = request_id or str(uuid.uuid4())
        headers = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": str(deadline_ms or int(time.time() * 1000) + 30_000),
            "Lambda-Runtime-Invoked-Function-Arn": arn,
        }
        if trace_id:
            headers["Lambda-Runtime-Trace-Id"] = trace_id
        if client_context is not None:
            headers["Lambda-Runtime-Client-Context"] = json.dumps(client_context)
        if cognito_identity is not None:
            headers["Lambda-Runtime-Cognito-Identity"] = json.dumps(cognito_identity)
        body = raw if raw is not None else json.dumps(event).encode()
        with self._cond:
            self._pending.append((body, headers))
            self._cond.notify_all()
        return request_id

    def result(self, request_id: str, timeout: float = 10) -> Posted:
        """The response or error the client posted for this invocation."""
        with self._cond:
            done = self._cond.wait_for(
                lambda: request_id in self._results or self._init_error is not None, timeout
            )
            if request_id in self._results:
                return self._results[request_id]
            if self._init_error is not None:
                raise AssertionError(f"the client failed to start: {self._init_error.body!r}")
            assert not done
            raise TimeoutError(f"no response or error for {request_id} within {timeout}s")

    def init_error(self, timeout: float = 10) -> Posted:
        with self._cond:
            if not self._cond.wait_for(lambda: self._init_error is not None, timeout):
                raise TimeoutError(f"no init error within {timeout}s")
            return self._init_error  # type: ignore[return-value]

    def paths(self, at_least: int = 0, timeout: float = 10) -> list[str]:
        """Every request so far as "METHOD path", once there are at least `at_least`."""
        with self._cond:
            self._cond.wait_for(lambda: len(self.requests) >= at_least, timeout)
            return [f"{r.method} {r.path}" for r in self.requests]

    # -- the server side ---------------------------------------------------------
    def _record(self, posted: Posted) -> None:
        with self._cond:
            self.requests.append(posted)
            if posted.path == PREFIX + "/init/error":
                self._init_error = posted
            elif posted.kind in ("response", "error"):
                self._results[posted.path.split("/")[-2]] = posted
            self._cond.notify_all()

    def _next_invocation(self, sock: socket.socket):
        # Never hand an invocation to a client that has gone (a test may stop one and
        # start another on the same API).
        with self._cond:
            while not self._closing and not _peer_closed(sock):
                if self._pending:
                    return self._pending.popleft()
                self._cond.wait(0.05)
        return None

    def _handler_class(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler's name)
                pass

            def _reply(self, status: int, body: bytes, headers: dict | None = None) -> None:
                head = [f"HTTP/1.1 {status} OK", "Content-Type: application/json"]
                head += [f"{k}: {v}" for k, v in (headers or {}).items()]
                head.append(f"Content-Length: {len(body)}")
                self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

            def do_GET(self):  # noqa: N802
                headers = {k.lower(): v for k, v in self.headers.items()}
                api._record(Posted("GET", self.path, headers, b""))
                if self.path != PREFIX + "/invocation/next":
                    self._reply(404, b'{"errorType":"InvalidRequest"}')
                    return
                item = api._next_invocation(self.connection)
                if item is None:
                    self.close_connection = True
                    return
                body, inv_headers = item
                self._reply(200, body, inv_headers)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                api._record(Posted("POST", self.path, headers, body))
                self._reply(202, b'{"status":"OK"}')

        return Handler


def _peer_closed(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class ClientProcess:
    """A runtime client running as its own process, as the launcher starts it."""

    def __init__(self, argv: list[str], api: FakeRuntimeApi, task_root: str, handler: str, **env):
        self.api = api
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": task_root,
            "LAMBDA_RUNTIME_DIR": os.path.dirname(argv[-1]),
            "AWS_LAMBDA_FUNCTION_NAME": "my-function",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/my-function",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[$LATEST]0123456789abcdef",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_SESSION_TOKEN": "token",
            "TZ": ":UTC",
            "LANG": "C.UTF-8",
        }
        full_env.update({k: v for k, v in env.items() if v is not None})
        self.proc = subprocess.Popen(
            argv,
            cwd=task_root,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        os.set_blocking(self.proc.stdout.fileno(), False)
        os.set_blocking(self.proc.stderr.fileno(), False)
        self._out = bytearray()
        self._err = bytearray()

    def _drain(self) -> None:
        for stream, buf in ((self.proc.stdout, self._out), (self.proc.stderr, self._err)):
            while True:
                try:
                    chunk = os.read(stream.fileno(), 65536)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                buf += chunk

    @property
    def stdout(self) -> str:
        """Everything the process has written to stdout so far (already in the pipe)."""
        self._drain()
        return self._out.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        self._drain()
        return self._err.decode("utf-8", "replace")

    def wait(self, timeout: float = 10) -> int:
        code = self.proc.wait(timeout)
        self._drain()
        return code

    def stop(self) -> None:
        if self.proc.stdout.closed:
            return
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._drain()
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()
