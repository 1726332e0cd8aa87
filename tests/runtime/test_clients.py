"""Strato's own runtime interface clients (Python and Node.js) against a fake Runtime API.

Each test writes handler code to a temporary task root, starts the client as the
launcher does (``python3 bootstrap.py`` / ``node bootstrap.mjs`` with the Lambda
environment) and asserts on exactly what the client asks of and posts to the API,
and on what it prints.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import sys
import textwrap
import time

import pytest
from fake_runtime_api import ClientProcess, FakeRuntimeApi

CLIENTS = os.path.join(os.path.dirname(__file__), "..", "..", "strato", "runtime", "clients")
PYTHON_BOOTSTRAP = os.path.realpath(os.path.join(CLIENTS, "python", "bootstrap.py"))
NODE_BOOTSTRAP = os.path.realpath(os.path.join(CLIENTS, "node", "bootstrap.mjs"))
NODE = shutil.which("node")

ISO_MS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


@pytest.fixture
def api():
    server = FakeRuntimeApi().start()
    yield server
    server.close()


@pytest.fixture
def start(api, tmp_path):
    """start(kind, files, handler, **env) -> a running client for that code."""
    started: list[ClientProcess] = []

    def _start(kind: str, files: dict[str, str], handler: str, **env) -> ClientProcess:
        root = tmp_path / "task"
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        if kind == "python":
            # -S as the launcher: nothing but the function's code and the stdlib importable.
            argv = [sys.executable, "-S", PYTHON_BOOTSTRAP]
        else:
            if NODE is None:
                pytest.fail("Node.js is required for the Node client tests")
            argv = [NODE, NODE_BOOTSTRAP]
        proc = ClientProcess(argv, api, str(root), handler, **env)
        started.append(proc)
        return proc

    yield _start
    for proc in started:
        proc.stop()


def measure_latency(api: FakeRuntimeApi, count: int = 200) -> list[float]:
    """Milliseconds from queueing each invocation to its posted response, one at a time."""
    api.result(api.invoke({"warm": True}))
    times = []
    for i in range(count):
        t0 = time.perf_counter()
        request_id = api.invoke({"i": i})
        posted = api.result(request_id)
        times.append((posted.at - t0) * 1000)
        assert posted.kind == "response"
        assert posted.json() == {"i": i}
    return times


def report_latency(label: str, times: list[float]) -> None:
    times = sorted(times)
    p99 = times[int(len(times) * 0.99) - 1]
    print(
        f"\n{label}: {len(times)} invokes, median {statistics.median(times):.3f} ms, p99 {p99:.3f} ms"
    )


# ============================================================================
# Python
# ============================================================================

PY_APP = """
    import json, logging, os, sys

    print("module loading")
    CALLS = []
    logger = logging.getLogger()

    def handler(event, context):
        CALLS.append(context.aws_request_id)
        print("event is", json.dumps(event))
        logger.warning("warned about %s", event.get("name"))
        logger.info("info is below the default level")
        return {
            "event": event,
            "calls": len(CALLS),
            "aws_request_id": context.aws_request_id,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining": context.get_remaining_time_in_millis(),
            "identity": [context.identity.cognito_identity_id,
                         context.identity.cognito_identity_pool_id],
            "client_context": None if context.client_context is None else {
                "custom": context.client_context.custom,
                "env": context.client_context.env,
                "app_title": context.client_context.client.app_title,
            },
            "trace": os.environ.get("_X_AMZN_TRACE_ID"),
            "sys_path_0": sys.path[0],
            "cwd": os.getcwd(),
        }
"""


def test_python_response_context_logs_and_warm_module(api, start):
    proc = start("python", {"app.py": PY_APP}, "app.handler")
    deadline = int(time.time() * 1000) + 60_000
    first = api.invoke(
        {"name": "first"},
        request_id="req-1",
        deadline_ms=deadline,
        trace_id="Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        cognito_identity={"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"},
        client_context={"custom": {"k": "v"}, "env": {"e": "1"}, "client": {"app_title": "App"}},
    )
    posted = api.result(first)
    assert posted.kind == "response"
    assert posted.headers["content-type"] == "application/json"
    body = posted.json()
    task_root = os.path.realpath(body["cwd"])
    assert body["event"] == {"name": "first"}
    assert body["calls"] == 1
    assert body["aws_request_id"] == "req-1"
    assert body["function_name"] == "my-function"
    assert body["function_version"] == "$LATEST"
    assert (
        body["invoked_function_arn"] == "arn:aws:lambda:us-east-1:000000000000:function:my-function"
    )
    assert body["memory_limit_in_mb"] == "256"  # a str, as awslambdaric passes the env var through
    assert body["log_group_name"] == "/aws/lambda/my-function"
    assert body["log_stream_name"] == "2024/01/01/[$LATEST]0123456789abcdef"
    assert 50_000 < body["remaining"] <= 60_000
    assert body["identity"] == ["id-1", "pool-1"]
    assert body["client_context"] == {"custom": {"k": "v"}, "env": {"e": "1"}, "app_title": "App"}
    assert body["trace"].startswith("Root=1-5759e988")
    assert os.path.realpath(body["sys_path_0"]) == task_root

    # Everything printed is in the pipe by the time the response is posted.
    out = proc.stdout
    assert out.startswith("module loading\n")
    assert 'event is {"name": "first"}\n' in out
    assert re.search(rf"\[WARNING\]\t{ISO_MS}\treq-1\twarned about first\n", out)
    assert "info is below" not in out

    # Warm: the module is not loaded again; per-invocation values change.
    second = api.invoke({"name": "second"}, request_id="req-2")
    body = api.result(second).json()
    assert body["calls"] == 2
    assert body["aws_request_id"] == "req-2"
    assert body["trace"] is None  # no trace header this time: the variable is removed
    assert body["identity"] == [None, None]
    assert body["client_context"] is None
    assert proc.stdout.count("module loading") == 1
    assert api.paths(at_least=5) == [
        "GET /2018-06-01/runtime/invocation/next",
        "POST /2018-06-01/runtime/invocation/req-1/response",
        "GET /2018-06-01/runtime/invocation/next",
        "POST /2018-06-01/runtime/invocation/req-2/response",
        "GET /2018-06-01/runtime/invocation/next",
    ]


def test_python_nested_handler_and_layers_after_task_root(api, start, tmp_path):
    layer = tmp_path / "opt" / "python"
    layer.mkdir(parents=True)
    (layer / "shared.py").write_text("WHERE = 'layer'\n")
    (layer / "layer_only.py").write_text("WHERE = 'layer only'\n")
    files = {
        "shared.py": "WHERE = 'task root'\n",
        "src/handlers/hello.py": """
            import layer_only, shared
            def lambda_handler(event, context):
                return [shared.WHERE, layer_only.WHERE, __name__]
        """,
    }
    start("python", files, "src/handlers/hello.lambda_handler", PYTHONPATH=str(layer))
    posted = api.result(api.invoke({}))
    assert posted.json() == ["task root", "layer only", "src.handlers.hello"]


PY_CASES = """
    import datetime, decimal

    def boom():
        raise ValueError("bad value")

    async def coroutine_handler(event, context):
        return 1

    def handler(event, context):
        case = event["case"]
        if case == "raise":
            boom()
        if case == "none":
            return None
        if case == "datetime":
            return {"when": datetime.datetime(2024, 1, 1)}
        if case == "decimal":
            return {"int": decimal.Decimal("3"), "float": decimal.Decimal("1.5")}
        if case == "bytes":
            return b"raw bytes"
        if case == "async":
            return coroutine_handler(event, context)
        return {"echo": event}
"""


def test_python_errors_and_marshalling(api, start):
    proc = start("python", {"app.py": PY_CASES}, "app.handler")

    posted = api.result(api.invoke({"case": "raise"}, request_id="err-1"))
    assert posted.kind == "error"
    assert posted.headers["lambda-runtime-function-error-type"] == "ValueError"
    error = posted.json()
    assert list(error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert error["errorMessage"] == "bad value"
    assert error["errorType"] == "ValueError"
    assert error["requestId"] == "err-1"
    # Frames formatted as AWS does, starting at the handler (not in the runtime's own code).
    assert len(error["stackTrace"]) == 2
    assert re.fullmatch(
        r'  File ".*app\.py", line 13, in handler\n    boom\(\)\n', error["stackTrace"][0]
    )
    assert re.fullmatch(
        r'  File ".*app\.py", line 5, in boom\n    raise ValueError\("bad value"\)\n',
        error["stackTrace"][1],
    )
    # The error is logged as one record: "\r" between lines, no-break-space indentation.
    assert re.search(
        r"\[ERROR\] ValueError: bad value\rTraceback \(most recent call last\):\r"
        r"\u00a0\u00a0File \".*app\.py\", line 13, in handler\r\u00a0\u00a0\u00a0\u00a0boom\(\)\r",
        proc.stdout,
    )

    # The environment survives a handler error.
    assert api.result(api.invoke({"case": "none"})).body == b"null"

    posted = api.result(api.invoke({"case": "datetime"}))
    assert posted.kind == "error"
    assert posted.headers["lambda-runtime-function-error-type"] == "Runtime.MarshalError"
    assert posted.json()["errorMessage"] == (
        "Unable to marshal response: Object of type datetime is not JSON serializable"
    )
    assert posted.json()["stackTrace"] == []

    # async def handlers are not supported on AWS: the coroutine fails to marshal.
    posted = api.result(api.invoke({"case": "async"}))
    assert posted.json()["errorType"] == "Runtime.MarshalError"
    assert posted.json()["errorMessage"] == (
        "Unable to marshal response: Object of type coroutine is not JSON serializable"
    )

    assert api.result(api.invoke({"case": "decimal"})).json() == {"int": 3, "float": 1.5}
    posted = api.result(api.invoke({"case": "bytes"}))
    assert (posted.kind, posted.body) == ("response", b"raw bytes")

    posted = api.result(api.invoke(raw=b"{not json"))
    assert posted.json()["errorType"] == "Runtime.UnmarshalError"
    assert posted.json()["errorMessage"].startswith("Unable to unmarshal input: Expecting")


@pytest.mark.parametrize(
    "files, handler, error_type, message",
    [
        (
            {"app.py": "import not_installed_anywhere\ndef handler(e, c): pass\n"},
            "app.handler",
            "Runtime.ImportModuleError",
            "Unable to import module 'app': No module named 'not_installed_anywhere'",
        ),
        (
            {"app.py": "def handler(e, c): pass\n"},
            "app.nope",
            "Runtime.HandlerNotFound",
            "Handler 'nope' missing on module 'app'",
        ),
        (
            {"src/handlers/hello.py": "def lambda_handler(e, c):\n    return (\n"},
            "src/handlers/hello.lambda_handler",
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'src/handlers/hello': '(' was never closed (hello.py, line 2)",
        ),
        (
            {"app.py": "raise RuntimeError('no config')\n"},
            "app.handler",
            "RuntimeError",
            "no config",
        ),
        ({"app.py": ""}, "app", "Runtime.MalformedHandlerName", "Bad handler 'app': "),
    ],
    ids=["import-error", "handler-missing", "syntax-error", "init-exception", "malformed"],
)
def test_python_init_errors(api, start, files, handler, error_type, message):
    proc = start("python", files, handler)
    posted = api.init_error()
    assert posted.path == "/2018-06-01/runtime/init/error"
    assert posted.headers["lambda-runtime-function-error-type"] == error_type
    error = posted.json()
    assert error["errorType"] == error_type
    assert error["errorMessage"].startswith(message)
    assert error["requestId"] == ""
    if error_type == "RuntimeError":
        assert "raise RuntimeError('no config')" in error["stackTrace"][-1]
    if error_type == "Runtime.UserCodeSyntaxError":
        assert error["stackTrace"][0].startswith('  File "')
    assert proc.wait() == 1
    assert f"[ERROR] {error_type}: " in proc.stdout
    # The client never asked for work.
    assert api.paths() == ["POST /2018-06-01/runtime/init/error"]


def test_python_log_level_and_json_format(api, start):
    app = """
        import logging
        def handler(event, context):
            logging.getLogger("app").debug("debug line")
            logging.getLogger("app").info("info %s", "line", extra={"order": 7})
            return 1
    """
    proc = start("python", {"app.py": app}, "app.handler", AWS_LAMBDA_LOG_LEVEL="INFO")
    api.result(api.invoke({}, request_id="text-1"))
    assert re.fullmatch(rf"\[INFO\]\t{ISO_MS}\ttext-1\tinfo line\n", proc.stdout)
    proc.stop()

    proc = start(
        "python",
        {"app.py": app},
        "app.handler",
        AWS_LAMBDA_LOG_LEVEL="DEBUG",
        AWS_LAMBDA_LOG_FORMAT="JSON",
    )
    api.result(api.invoke({}, request_id="json-1"))
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["message"] for r in records] == ["debug line", "info line"]
    info = records[1]
    assert re.fullmatch(ISO_MS, info["timestamp"])
    assert (info["level"], info["requestId"], info["logger"], info["order"]) == (
        "INFO",
        "json-1",
        "app",
        7,
    )


def test_python_invoke_latency(api, start):
    start("python", {"app.py": "def handler(event, context):\n    return event\n"}, "app.handler")
    times = measure_latency(api)
    report_latency("python client", times)
    assert statistics.median(times) < 5


# ============================================================================
# Node.js
# ============================================================================

NODE_CJS = """
    console.log("module loading");
    let calls = 0;
    exports.handler = async (event, context) => {
      calls += 1;
      console.log("event is %j", event);
      console.info("two\\nlines");
      console.warn("careful", 42);
      console.error("bad", { deep: true });
      console.debug("debugging");
      return {
        event,
        calls,
        awsRequestId: context.awsRequestId,
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        logGroupName: context.logGroupName,
        logStreamName: context.logStreamName,
        remaining: context.getRemainingTimeInMillis(),
        waits: context.callbackWaitsForEmptyEventLoop,
        identity: context.identity === undefined ? null : context.identity,
        clientContext: context.clientContext === undefined ? null : context.clientContext,
        trace: process.env._X_AMZN_TRACE_ID === undefined ? null : process.env._X_AMZN_TRACE_ID,
        cwd: process.cwd(),
      };
    };
"""


def test_node_commonjs_context_logs_and_warm_module(api, start):
    proc = start("node", {"index.js": NODE_CJS}, "index.handler")
    deadline = int(time.time() * 1000) + 60_000
    first = api.invoke(
        {"name": "first"},
        request_id="req-1",
        deadline_ms=deadline,
        trace_id="Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
        cognito_identity={"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"},
        client_context={"custom": {"k": "v"}},
    )
    posted = api.result(first)
    assert posted.kind == "response"
    body = posted.json()
    assert body["event"] == {"name": "first"}
    assert body["calls"] == 1
    assert body["awsRequestId"] == "req-1"
    assert body["functionName"] == "my-function"
    assert body["functionVersion"] == "$LATEST"
    assert (
        body["invokedFunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:my-function"
    )
    assert body["memoryLimitInMB"] == "256"
    assert body["logGroupName"] == "/aws/lambda/my-function"
    assert body["logStreamName"] == "2024/01/01/[$LATEST]0123456789abcdef"
    assert 50_000 < body["remaining"] <= 60_000
    assert body["waits"] is True
    assert body["identity"] == {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}
    assert body["clientContext"] == {"custom": {"k": "v"}}
    assert body["trace"] == "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"

    lines = proc.stdout.split("\n")  # not splitlines(): "\r" stays inside a record
    assert re.fullmatch(rf"{ISO_MS}\tundefined\tINFO\tmodule loading", lines[0])
    assert re.fullmatch(rf'{ISO_MS}\treq-1\tINFO\tevent is {{"name":"first"}}', lines[1])
    assert re.fullmatch(rf"{ISO_MS}\treq-1\tINFO\ttwo\rlines", lines[2])
    assert re.fullmatch(rf"{ISO_MS}\treq-1\tWARN\tcareful 42", lines[3])
    assert re.fullmatch(rf"{ISO_MS}\treq-1\tERROR\tbad {{ deep: true }}", lines[4])
    assert re.fullmatch(rf"{ISO_MS}\treq-1\tDEBUG\tdebugging", lines[5])
    assert proc.stderr == ""

    body = api.result(api.invoke({"name": "second"}, request_id="req-2")).json()
    assert (body["calls"], body["awsRequestId"], body["trace"]) == (2, "req-2", None)
    assert (body["identity"], body["clientContext"]) == (None, None)
    assert proc.stdout.count("module loading") == 1


def test_node_es_modules(api, start):
    files = {
        "app.mjs": """
            import { sep } from 'path';
            export const handler = async (event) => ({ kind: 'mjs', sep, event });
        """,
        # .js under a "type": "module" package.json, in a subfolder of the task root
        "src/handlers/package.json": '{"type": "module"}',
        "src/handlers/hello.js": """
            const loadedAt = Date.now();
            export async function lambdaHandler(event, context) {
              return { kind: 'esm-js', loadedAt, id: context.awsRequestId };
            }
        """,
    }
    mjs = start("node", files, "app.handler")
    assert api.result(api.invoke({"a": 1})).json() == {"kind": "mjs", "sep": "/", "event": {"a": 1}}
    mjs.stop()

    proc = start("node", files, "src/handlers/hello.lambdaHandler")
    one = api.result(api.invoke({}, request_id="esm-1")).json()
    two = api.result(api.invoke({}, request_id="esm-2")).json()
    assert (one["kind"], one["id"], two["id"]) == ("esm-js", "esm-1", "esm-2")
    assert one["loadedAt"] == two["loadedAt"]  # loaded once
    assert proc.proc.poll() is None


def test_node_nested_handler_and_layer_modules(api, start, tmp_path):
    layer = tmp_path / "opt" / "nodejs" / "node_modules"
    (layer / "layer-lib").mkdir(parents=True)
    (layer / "layer-lib" / "index.js").write_text("exports.where = 'layer';\n")
    # An ES-module-only package, found through "exports" with the "import" condition.
    (layer / "@scope" / "esm-lib").mkdir(parents=True)
    (layer / "@scope" / "esm-lib" / "package.json").write_text(
        '{"name": "@scope/esm-lib", "type": "module", "exports": {"import": "./main.js"}}'
    )
    (layer / "@scope" / "esm-lib" / "main.js").write_text("export const where = 'esm layer';\n")
    files = {
        "dir/file.js": """
            const lib = require('layer-lib');
            exports.nested = { fn: async () => [lib.where, __filename.endsWith('/dir/file.js')] };
        """,
        # As on the AWS Node.js 18+ runtimes, ES modules also find NODE_PATH packages.
        "index.mjs": """
            import { where } from 'layer-lib';
            import { where as esmWhere } from '@scope/esm-lib';
            export const handler = async () => [where, esmWhere];
        """,
    }
    cjs = start("node", files, "dir/file.nested.fn", NODE_PATH=str(layer))
    assert api.result(api.invoke({})).json() == ["layer", True]
    cjs.stop()
    start("node", files, "index.handler", NODE_PATH=f"/nonexistent/node_modules:{layer}")
    assert api.result(api.invoke({})).json() == ["layer", "esm layer"]


NODE_CALLBACKS = """
    let pending = 0;
    exports.callback = (event, context, callback) => {
      // The response waits for the event loop to empty (callbackWaitsForEmptyEventLoop).
      setTimeout(() => console.log("timer after callback"), 30);
      callback(null, { via: "callback", waits: context.callbackWaitsForEmptyEventLoop });
    };
    exports.noWait = (event, context, callback) => {
      context.callbackWaitsForEmptyEventLoop = false;
      pending = setTimeout(() => {}, 60000);
      callback(null, { via: "no-wait" });
    };
    exports.cleanup = async () => { clearTimeout(pending); return "cleaned"; };
    exports.callbackError = (event, context, callback) => callback(new RangeError("out of range"));
    exports.callbackString = (event, context, callback) => callback("plain string");
    exports.succeed = (event, context) => { context.succeed({ via: "succeed" }); };
    exports.done = (event, context) => { context.done(null, { via: "done" }); };
    exports.fail = (event, context) => { context.fail(); };
    exports.syncReturn = (event) => ({ ignored: true });
    exports.throwNumber = async () => { throw 42; };
    exports.circular = async () => { const o = {}; o.self = o; return o; };
    exports.noValue = async () => {};
"""


def _node_invoke(api, start, handler_name: str, event=None):
    start("node", {"index.js": NODE_CALLBACKS}, f"index.{handler_name}")
    return api.result(api.invoke(event or {}))


def test_node_callback_and_legacy_handlers(api, start):
    proc = start("node", {"index.js": NODE_CALLBACKS}, "index.callback")
    posted = api.result(api.invoke({}))
    assert posted.json() == {"via": "callback", "waits": True}
    assert "timer after callback" in proc.stdout  # printed before the response went out
    assert api.result(api.invoke({})).json() == {"via": "callback", "waits": True}


@pytest.mark.parametrize(
    "handler_name, kind, expected",
    [
        ("succeed", "response", {"via": "succeed"}),
        ("done", "response", {"via": "done"}),
        # A non-async handler that neither calls back nor returns a promise answers null on AWS.
        ("syncReturn", "response", None),
        ("noValue", "response", None),
        ("callbackError", "error", ("RangeError", "out of range")),
        ("callbackString", "error", ("string", "plain string")),
        ("fail", "error", ("string", "handled")),
        ("throwNumber", "error", ("number", "42")),
        ("circular", "error", ("Error", "Unable to stringify response body")),
    ],
)
def test_node_outcomes(api, start, handler_name, kind, expected):
    posted = _node_invoke(api, start, handler_name)
    assert posted.kind == kind
    if kind == "response":
        assert posted.json() == expected
        return
    error = posted.json()
    assert (error["errorType"], error["errorMessage"]) == expected
    assert posted.headers["lambda-runtime-function-error-type"] == expected[0]
    if expected[0] in ("string", "number"):
        assert error["trace"] == []
    else:
        assert error["trace"][0] == f"{expected[0]}: {expected[1]}"


def test_node_no_wait_for_empty_event_loop(api, start):
    start("node", {"index.js": NODE_CALLBACKS}, "index.noWait")
    t0 = time.perf_counter()
    assert api.result(api.invoke({})).json() == {"via": "no-wait"}
    assert time.perf_counter() - t0 < 5  # did not wait for the 60 s timer


def test_node_thrown_error_shape_and_log(api, start):
    app = """
        exports.handler = async (event) => {
          const error = new TypeError("bad input");
          error.code = "E_BAD";
          throw error;
        };
    """
    proc = start("node", {"index.js": app}, "index.handler")
    posted = api.result(api.invoke({}, request_id="err-1"))
    assert posted.kind == "error"
    assert posted.headers["lambda-runtime-function-error-type"] == "TypeError"
    error = posted.json()
    assert list(error) == ["errorType", "errorMessage", "trace"]
    assert error["errorType"] == "TypeError"
    assert error["errorMessage"] == "bad input"
    assert error["trace"][0] == "TypeError: bad input"
    assert "index.js:3" in error["trace"][1]
    line = next(ln for ln in proc.stdout.splitlines() if "Invoke Error" in ln)
    prefix, logged = line.split("\tInvoke Error \t")
    assert re.fullmatch(rf"{ISO_MS}\terr-1\tERROR", prefix)
    assert json.loads(logged)["errorType"] == "TypeError"
    assert json.loads(logged)["code"] == "E_BAD"
    # The environment keeps serving.
    assert api.result(api.invoke({})).kind == "error"


def test_node_unhandled_rejection_fails_the_invocation(api, start):
    app = """
        exports.handler = async () => {
          Promise.reject(new Error("nobody caught me"));
          await new Promise((resolve) => setTimeout(resolve, 50));
          return "too late";
        };
    """
    proc = start("node", {"index.js": app}, "index.handler")
    posted = api.result(api.invoke({}))
    assert posted.kind == "error"
    assert posted.json()["errorType"] == "Runtime.UnhandledPromiseRejection"
    assert posted.json()["errorMessage"] == "Error: nobody caught me"
    assert proc.wait() == 128  # as on AWS, the environment does not survive it


@pytest.mark.parametrize(
    "files, handler, error_type, message",
    [
        (
            {"index.js": "exports.handler = async () => 1;"},
            "missing.handler",
            "Runtime.ImportModuleError",
            "Error: Cannot find module 'missing'",
        ),
        (
            {"index.js": "require('not-installed-anywhere');\nexports.handler = async () => 1;"},
            "index.handler",
            "Runtime.ImportModuleError",
            "Error: Cannot find module 'not-installed-anywhere'",
        ),
        (
            {"index.js": "exports.handler = async () => 1;"},
            "index.nope",
            "Runtime.HandlerNotFound",
            "index.nope is undefined or not exported",
        ),
        (
            {"index.js": "exports.handler = 'not a function';"},
            "index.handler",
            "Runtime.HandlerNotFound",
            "index.handler is not a function",
        ),
        (
            {"index.js": "exports.handler = async () => { return 1; ;"},
            "index.handler",
            "Runtime.UserCodeSyntaxError",
            "SyntaxError: ",
        ),
        (
            {"app.mjs": "export const handler = async () => { return 1 ;"},
            "app.handler",
            "Runtime.UserCodeSyntaxError",
            "SyntaxError: ",
        ),
        (
            {"index.js": "throw new Error('no config');"},
            "index.handler",
            "Error",
            "no config",
        ),
        ({"index.js": ""}, "index", "Runtime.MalformedHandlerName", "Bad handler"),
    ],
    ids=[
        "missing-module",
        "missing-dependency",
        "handler-missing",
        "not-a-function",
        "syntax-error-cjs",
        "syntax-error-esm",
        "init-exception",
        "malformed",
    ],
)
def test_node_init_errors(api, start, files, handler, error_type, message):
    proc = start("node", files, handler)
    posted = api.init_error()
    assert posted.path == "/2018-06-01/runtime/init/error"
    assert posted.headers["lambda-runtime-function-error-type"] == error_type
    error = posted.json()
    assert error["errorType"] == error_type
    assert error["errorMessage"].startswith(message)
    assert isinstance(error["trace"], list) and error["trace"]
    assert proc.wait() != 0
    assert re.search(rf"{ISO_MS}\tundefined\tERROR\tUncaught Exception \t\{{", proc.stdout)
    assert api.paths() == ["POST /2018-06-01/runtime/init/error"]


def test_node_log_level_and_json_format(api, start):
    app = """
        exports.handler = async () => {
          console.debug("debug line");
          console.log("info line", { n: 1 });
          console.warn("warn line");
          return 1;
        };
    """
    proc = start("node", {"index.js": app}, "index.handler", AWS_LAMBDA_LOG_LEVEL="WARN")
    api.result(api.invoke({}, request_id="lvl-1"))
    assert re.fullmatch(rf"{ISO_MS}\tlvl-1\tWARN\twarn line\n", proc.stdout)
    proc.stop()

    proc = start("node", {"index.js": app}, "index.handler", AWS_LAMBDA_LOG_FORMAT="JSON")
    api.result(api.invoke({}, request_id="json-1"))
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["level"], r["message"]) for r in records] == [
        ("DEBUG", "debug line"),
        ("INFO", "info line { n: 1 }"),
        ("WARN", "warn line"),
    ]
    assert all(r["requestId"] == "json-1" and re.fullmatch(ISO_MS, r["timestamp"]) for r in records)


def test_node_invoke_latency(api, start):
    start("node", {"index.js": "exports.handler = async (event) => event;"}, "index.handler")
    times = measure_latency(api)
    report_latency("node client", times)
    assert statistics.median(times) < 5
