"""Strato's runtime interface client for Python Lambda functions.

Run as ``python3 bootstrap.py`` inside one execution environment. It loads the
handler named by ``_HANDLER`` from ``LAMBDA_TASK_ROOT`` and serves invocations
through the Lambda Runtime API at ``AWS_LAMBDA_RUNTIME_API``, behaving as the
AWS Python runtime (awslambdaric) does: the same context object, root-logger
setup, error shapes and ``Runtime.*`` error types.

It runs in the function's own interpreter with only the function's code, its
layers and the SDK importable, so it uses the standard library alone and must
never import strato.
"""

from __future__ import annotations

import decimal
import importlib
import json
import logging
import math
import os
import socket
import sys
import time
import traceback

_API_PREFIX = "/2018-06-01/runtime"
_ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
# The AWS runtime keeps a multi-line error in one log record: "\r" between lines,
# no-break spaces for the traceback's indentation.
_ERROR_LINE_BREAK = "\r"
_ERROR_INDENT = "\u00a0"
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
_UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function "
    "code. However, in rare cases, a Lambda runtime update can cause unexpected function "
    "behavior. For functions using managed runtimes, runtime updates can be triggered by a "
    "function change, or can be applied automatically. To determine if the runtime has been "
    "updated, check the runtime version in the INIT_START log entry. If this error correlates "
    "with a change in the runtime version, you may be able to mitigate this error by "
    "temporarily rolling back to the previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)
_THIS_FILE = os.path.realpath(__file__)

_request_id = ""  # the invocation in progress, for log records


class FaultError(Exception):
    """A failure the runtime reports under its own ``Runtime.*`` error type."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


# -- the Runtime API -----------------------------------------------------------


class _Headers(dict):
    """Response headers by lower-case name; get() accepts any case."""

    def get(self, name: str, default=None):  # type: ignore[override]
        return dict.get(self, name.lower(), default)


class Invocation:
    __slots__ = ("request_id", "body", "content_type", "headers")

    def __init__(self, body: bytes, headers: _Headers) -> None:
        self.request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        self.body = body
        self.content_type = headers.get("Content-Type")
        self.headers = headers


class RuntimeApiClient:
    """One keep-alive connection to the environment's Runtime API endpoint.

    A few lines of HTTP/1.1 over a socket instead of http.client, whose header parsing
    (the email package) costs more than the rest of an invocation's round trip.
    """

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self._address = (host or "127.0.0.1", int(port))
        self._sock: socket.socket | None = None
        self._reader = None

    def _connect(self) -> None:
        sock = socket.create_connection(self._address)
        # Small request/response pairs: without NODELAY, Nagle plus delayed ACK add ~40 ms.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._reader = sock.makefile("rb")

    def _close(self) -> None:
        if self._sock is not None:
            self._reader.close()
            self._sock.close()
        self._sock = self._reader = None

    def _call(self, method: str, path: str, body: bytes | None = None, headers=None):
        payload = body or b""
        head = f"{method} {_API_PREFIX}{path} HTTP/1.1\r\nHost: {self._address[0]}\r\nContent-Length: {len(payload)}\r\n"
        for name, value in (headers or {}).items():
            head += f"{name}: {value}\r\n"
        request = head.encode("latin-1") + b"\r\n" + payload
        for attempt in (1, 2):
            try:
                if self._sock is None:
                    self._connect()
                self._sock.sendall(request)
                return self._read_response()
            except (ConnectionError, OSError):
                # The server closed the idle keep-alive connection; reconnect once.
                self._close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _read_response(self) -> tuple[int, _Headers, bytes]:
        reader = self._reader
        status_line = reader.readline()
        if not status_line:
            raise ConnectionResetError("the Runtime API closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        headers = _Headers()
        while True:
            line = reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        body = reader.read(length) if length else b""
        return status, headers, body

    def next(self) -> Invocation:
        status, headers, body = self._call("GET", "/invocation/next")
        if status != 200:
            raise ConnectionError(f"GET /invocation/next answered {status}: {body!r}")
        return Invocation(body, headers)

    def post_response(self, request_id: str, payload: bytes, content_type: str) -> None:
        headers = {"Content-Type": content_type}
        self._call("POST", f"/invocation/{request_id}/response", payload, headers)

    def post_error(self, request_id: str, error: dict) -> None:
        self._post_error(f"/invocation/{request_id}/error", error)

    def post_init_error(self, error: dict) -> None:
        self._post_error("/init/error", error)

    def _post_error(self, path: str, error: dict) -> None:
        headers = {"Content-Type": "application/json", _ERROR_TYPE_HEADER: error["errorType"]}
        self._call("POST", path, _to_json(error).encode("utf-8"), headers)


# -- marshalling ---------------------------------------------------------------


class _Encoder(json.JSONEncoder):
    def default(self, o):
        # awslambdaric encodes Decimal (DynamoDB numbers) as a JSON number.
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


_encoder = _Encoder()


def _to_json(obj) -> str:
    return _encoder.encode(obj)


def _unmarshal_event(invocation: Invocation):
    content_type = invocation.content_type
    if content_type and not content_type.startswith("application/json"):
        return invocation.body
    try:
        return json.loads(invocation.body)
    except Exception as e:
        raise FaultError("Runtime.UnmarshalError", f"Unable to unmarshal input: {e}") from None


def _marshal_result(result) -> tuple[bytes, str]:
    if isinstance(result, bytes):
        return result, "application/unknown"
    try:
        return _encoder.encode(result).encode("utf-8"), "application/json"
    except Exception as e:
        raise FaultError("Runtime.MarshalError", f"Unable to marshal response: {e}") from None


# -- the context object --------------------------------------------------------


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __repr__(self) -> str:
        return (
            f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}])"
        )


class Client:
    __slots__ = (
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    )


class ClientContext:
    __slots__ = ("custom", "env", "client")


def _from_dict(cls, values: dict | None):
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field))
    return obj


def _parse_header_json(value: str | None, name: str):
    if not value:
        return None
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultError(
            "Runtime.LambdaContextUnmarshalError", f"Unable to parse {name} JSON: {e}"
        ) from None


class LambdaContext:
    """The handler's second argument, with awslambdaric's attributes and types."""

    def __init__(self, invocation: Invocation) -> None:
        headers = invocation.headers
        env = os.environ
        self.aws_request_id = invocation.request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, as on AWS: the runtime passes the environment variable through.
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
        client_context = _parse_header_json(
            headers.get("Lambda-Runtime-Client-Context"), "Client Context"
        )
        self.client_context = _from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _from_dict(Client, self.client_context.client)
        cognito = _parse_header_json(
            headers.get("Lambda-Runtime-Cognito-Identity"), "Cognito Identity"
        )
        self.identity = _from_dict(CognitoIdentity, {})
        if cognito is not None:
            self.identity.cognito_identity_id = cognito.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito.get("cognitoIdentityPoolId")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self) -> int:
        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg) -> None:
        sys.stdout.write(str(msg))

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},"
            f"identity={self.identity}])"
        )


# -- logging -------------------------------------------------------------------


class Unbuffered:
    """What the AWS runtime puts in sys.stdout/sys.stderr: every write reaches the pipe."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        written = self.stream.write(msg)
        self.stream.flush()
        return written

    def writelines(self, msgs) -> None:
        self.stream.writelines(msgs)
        self.stream.flush()


class _LambdaLogHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record))
        except Exception:
            self.handleError(record)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _request_id
        return True


_RESERVED_RECORD_FIELDS = {
    "name",
    "msg",
    "args",
    "levelname",
    "levelno",
    "pathname",
    "filename",
    "module",
    "exc_info",
    "exc_text",
    "stack_info",
    "lineno",
    "funcName",
    "created",
    "msecs",
    "relativeCreated",
    "thread",
    "threadName",
    "processName",
    "process",
    "taskName",
    "aws_request_id",
    "tenant_id",
    "_frame_type",
}


class JsonFormatter(logging.Formatter):
    """AWS_LAMBDA_LOG_FORMAT=JSON: one JSON object per record, as the AWS runtime writes."""

    def formatTime(self, record, datefmt=None) -> str:
        stamp = time.strftime(_DATETIME_FORMAT, time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        record.levelno = min(50, max(0, record.levelno)) // 10 * 10
        record.levelname = logging.getLevelName(record.levelno)
        exc_info = record.exc_info
        result = {
            "timestamp": self.formatTime(record),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc_info[2]) if exc_info else None,
            "errorType": exc_info[0].__name__ if exc_info else None,
            "errorMessage": str(exc_info[1]) if exc_info else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": f"{record.pathname}:{record.funcName}:{record.lineno}"
            if exc_info
            else None,
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED_RECORD_FIELDS and key not in result:
                result[key] = value
        result = {k: v for k, v in result.items() if v is not None}
        return json.dumps(result, ensure_ascii=False, default=str) + "\n"


def _log_format() -> str:
    return "JSON" if os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON" else "TEXT"


def _setup_logging() -> None:
    logging.Formatter.converter = time.gmtime
    handler = _LambdaLogHandler()
    if _log_format() == "JSON":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                _DATETIME_FORMAT,
            )
        )
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    # As on AWS: without AWS_LAMBDA_LOG_LEVEL the root logger keeps Python's WARNING.
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    level = {"TRACE": "DEBUG"}.get(level, level)
    if level in logging._nameToLevel:  # the function's Python may predate getLevelNamesMapping
        root.setLevel(level)
    root.addHandler(handler)


def _log_error(error: dict) -> None:
    if _log_format() == "JSON":
        now = time.strftime(_DATETIME_FORMAT, time.gmtime())
        sys.stdout.write(_to_json({"timestamp": now, "level": "ERROR", **error}) + "\n")
        return
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"]
    if error["errorMessage"]:
        description += (":" if error["errorType"] else "") + " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        for line in element.splitlines() or [""]:
            stripped = line.lstrip(" ")
            lines.append(_ERROR_INDENT * (len(line) - len(stripped)) + stripped)
    sys.stdout.write(_ERROR_LINE_BREAK.join(lines) + "\n")


def _flush_output() -> None:
    # The platform relies on everything the handler printed being in the pipe first.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


# -- errors ----------------------------------------------------------------------


def make_error(message: str, error_type: str, trace: list[str] | None, request_id="") -> dict:
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id,
        "stackTrace": trace or [],
    }


def _error_from_exception(exc: BaseException, request_id: str = "") -> dict:
    if isinstance(exc, FaultError):
        return make_error(exc.message, exc.error_type, exc.trace, request_id)
    frames = list(traceback.extract_tb(exc.__traceback__))
    # Drop this file's own frames from the top, as awslambdaric does with its bootstrap.py.
    while frames and os.path.realpath(frames[0].filename) == _THIS_FILE:
        frames.pop(0)
    return make_error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)


# -- loading the handler -------------------------------------------------------------


def load_handler(handler: str):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultError("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {e}") from None
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultError(
                "Runtime.BuiltInModuleConflict",
                f"Cannot use built-in module {modname} as a handler module",
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultError(
            "Runtime.ImportModuleError", f"Unable to import module '{modname}': {e}"
        ) from None
    except SyntaxError as e:
        trace = [f'  File "{e.filename}" Line {e.lineno}\n    {e.text}']
        raise FaultError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{modname}': {e}", trace
        ) from None
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultError(
            "Runtime.HandlerNotFound", f"Handler '{fname}' missing on module '{modname}'"
        ) from None


def _set_import_path(task_root: str) -> None:
    # `python3 bootstrap.py` puts this file's folder first; the function's code goes there.
    here = os.path.dirname(_THIS_FILE)
    if sys.path and os.path.realpath(sys.path[0] or ".") == here:
        sys.path.pop(0)
    sys.path.insert(0, task_root)


# -- the loop --------------------------------------------------------------------


def handle(client: RuntimeApiClient, handler, invocation: Invocation) -> None:
    request_id = invocation.request_id
    try:
        context = LambdaContext(invocation)
        event = _unmarshal_event(invocation)
        payload, content_type = _marshal_result(handler(event, context))
    except Exception as e:
        error = _error_from_exception(e, request_id)
        _log_error(error)
        _flush_output()
        client.post_error(request_id, error)
        return
    _flush_output()
    client.post_response(request_id, payload, content_type)


def main() -> None:
    global _request_id
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    client = RuntimeApiClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    _set_import_path(task_root)
    try:
        _setup_logging()
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        error = _error_from_exception(e)
        logging.warning(_UNHANDLED_WARNING)
        _log_error(error)
        _flush_output()
        client.post_init_error(error)
        sys.exit(1)

    try:
        while True:
            invocation = client.next()
            _request_id = invocation.request_id
            trace_id = invocation.headers.get("Lambda-Runtime-Trace-Id")
            if trace_id is not None:
                os.environ["_X_AMZN_TRACE_ID"] = trace_id
            else:
                os.environ.pop("_X_AMZN_TRACE_ID", None)
            handle(client, handler, invocation)
    except (ConnectionError, OSError, ValueError) as e:
        # The Runtime API went away: the environment is being shut down.
        sys.stderr.write(f"strato runtime: lost the Runtime API ({e!r}); exiting\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
