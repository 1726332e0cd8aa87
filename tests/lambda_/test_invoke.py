"""Invoking functions: results, errors, logs, limits, warm reuse, wrappers, SDK calls back into Strato."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError
from lambda_helpers import invoke_json, make_zip


def error_code(call) -> str:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"]


def test_python_result_logs_and_context(lam, create_function):
    code = (
        "import os\n"
        "loads = 0\n"
        "loads += 1\n"
        "calls = 0\n"
        "def handler(event, context):\n"
        "    global calls\n"
        "    calls += 1\n"
        "    print('got', event['n'])\n"
        "    return {'loads': loads, 'calls': calls, 'name': context.function_name, 'memory': context.memory_limit_in_mb,\n"
        "            'remaining': context.get_remaining_time_in_millis(), 'request': context.aws_request_id,\n"
        "            'env': {k: os.environ.get(k) for k in ('AWS_LAMBDA_FUNCTION_NAME', 'AWS_REGION', 'LAMBDA_TASK_ROOT', 'MY_VAR', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE')},\n"
        "            'trace': os.environ.get('_X_AMZN_TRACE_ID', '')}\n"
    )
    name = create_function(
        {"app.py": code}, Timeout=7, MemorySize=256, Environment={"Variables": {"MY_VAR": "mine"}}
    )
    first, body1 = invoke_json(lam, name, {"n": 1}, LogType="Tail")
    second, body2 = invoke_json(lam, name, {"n": 2})
    assert first["StatusCode"] == 200 and "FunctionError" not in first
    assert (body1["loads"], body1["calls"], body2["loads"], body2["calls"]) == (
        1,
        1,
        1,
        2,
    )  # warm reuse
    assert (
        body1["name"] == name and body1["memory"] == "256"
    )  # the runtime passes the env text through
    assert 5000 < body1["remaining"] <= 7000
    assert body1["request"] == first["ResponseMetadata"]["RequestId"]
    assert body1["env"] == {
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_REGION": "us-east-1",
        "LAMBDA_TASK_ROOT": "/var/task",
        "MY_VAR": "mine",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
    }
    assert body1["trace"].startswith("Root=1-")
    tail = base64.b64decode(first["LogResult"]).decode()
    assert f"START RequestId: {body1['request']} Version: $LATEST" in tail
    assert "got 1" in tail
    assert f"END RequestId: {body1['request']}" in tail
    assert (
        "REPORT RequestId:" in tail and "Init Duration:" in tail and "Memory Size: 256 MB" in tail
    )


def test_handler_error_is_reported_like_aws(lam, create_function):
    name = create_function(
        {
            "app.py": "def handler(event, context):\n    raise ValueError('bad input: ' + event['x'])\n"
        }
    )
    out, body = invoke_json(lam, name, {"x": "42"})
    assert out["StatusCode"] == 200 and out["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError" and body["errorMessage"] == "bad input: 42"
    assert any("raise ValueError" in line for line in body["stackTrace"])


@pytest.mark.parametrize(
    "files,handler,error_type",
    [
        ({"app.py": "import no_such_module\n"}, "app.handler", "Runtime.ImportModuleError"),
        ({"app.py": "x = 1\n"}, "app.handler", "Runtime.HandlerNotFound"),
        ({"app.py": "def handler(:\n"}, "app.handler", "Runtime.UserCodeSyntaxError"),
        ({"app.py": "raise RuntimeError('at init')\n"}, "app.handler", "RuntimeError"),
    ],
)
def test_init_failures(lam, create_function, files, handler, error_type):
    name = create_function(files, handler=handler)
    out, body = invoke_json(lam, name)
    assert out["FunctionError"] == "Unhandled"
    assert body["errorType"] == error_type


def test_timeout_ends_the_environment(lam, create_function):
    code = "import time\nstarted = time.time()\ndef handler(event, context):\n    if event.get('sleep'):\n        time.sleep(5)\n    return started\n"
    name = create_function({"app.py": code}, Timeout=1)
    _, before = invoke_json(lam, name)
    out, body = invoke_json(lam, name, {"sleep": True}, LogType="Tail")
    assert out["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]
    assert "Task timed out after 1.00 seconds" in base64.b64decode(out["LogResult"]).decode()
    _, after = invoke_json(lam, name)
    assert after != before  # a fresh environment ran init again


def test_exit_and_out_of_memory(lam, create_function):
    name = create_function({"app.py": "import os\ndef handler(event, context):\n    os._exit(3)\n"})
    out, body = invoke_json(lam, name)
    assert out["FunctionError"] == "Unhandled" and body["errorType"] == "Runtime.ExitError"
    assert "exit status 3" in body["errorMessage"]
    hog = "def handler(event, context):\n    blocks = []\n    while True:\n        blocks.append(bytearray(16 * 1024 * 1024))\n"
    name = create_function({"app.py": hog}, MemorySize=128, Timeout=20)
    out, body = invoke_json(lam, name)
    assert body["errorType"] == "Runtime.OutOfMemory"


def test_marshal_error_and_dry_run_and_bad_payload(lam, create_function):
    name = create_function({"app.py": "def handler(event, context):\n    return {1, 2}\n"})
    out, body = invoke_json(lam, name)
    assert out["FunctionError"] == "Unhandled" and body["errorType"] == "Runtime.MarshalError"
    assert lam.invoke(FunctionName=name, InvocationType="DryRun")["StatusCode"] == 204
    assert (
        error_code(lambda: lam.invoke(FunctionName=name, Payload=b"{not json"))
        == "InvalidRequestContentException"
    )
    assert (
        error_code(
            lambda: lam.invoke(
                FunctionName=name, Payload=json.dumps({"x": "y" * (6 * 1024 * 1024)})
            )
        )
        == "RequestEntityTooLargeException"
    )
    assert (
        error_code(
            lambda: lam.invoke(
                FunctionName=name,
                InvocationType="Event",
                Payload=json.dumps({"x": "y" * (300 * 1024)}),
            )
        )
        == "RequestEntityTooLargeException"
    )
    assert (
        error_code(lambda: lam.invoke(FunctionName="no-such-function"))
        == "ResourceNotFoundException"
    )


def test_python_handler_reaches_strato_s3_with_boto3(lam, s3, bucket, create_function):
    code = (
        "import boto3\n"
        "s3 = boto3.client('s3')\n"
        "def handler(event, context):\n"
        "    s3.put_object(Bucket=event['bucket'], Key='from-lambda.txt', Body=b'written by a function')\n"
        "    return [o['Key'] for o in s3.list_objects_v2(Bucket=event['bucket'])['Contents']]\n"
    )
    name = create_function({"app.py": code})
    assert invoke_json(lam, name, {"bucket": bucket})[1] == ["from-lambda.txt"]
    assert (
        s3.get_object(Bucket=bucket, Key="from-lambda.txt")["Body"].read()
        == b"written by a function"
    )


def test_event_invocation_runs_in_the_background(lam, s3, bucket, create_function):
    code = "import boto3\ndef handler(event, context):\n    boto3.client('s3').put_object(Bucket=event['bucket'], Key=context.aws_request_id, Body=b'async')\n"
    name = create_function({"app.py": code})
    out = lam.invoke(
        FunctionName=name, InvocationType="Event", Payload=json.dumps({"bucket": bucket})
    )
    assert out["StatusCode"] == 202
    request_id = out["ResponseMetadata"]["RequestId"]
    deadline = time.time() + 20
    while time.time() < deadline:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        if request_id in keys:
            break
        time.sleep(0.05)
    assert request_id in keys


def test_failed_event_invocation_is_retried_on_the_clock(strato, lam, s3, bucket, create_function):
    code = (
        "import boto3\n"
        "def handler(event, context):\n"
        "    s3 = boto3.client('s3')\n"
        "    n = len(s3.list_objects_v2(Bucket=event['bucket']).get('Contents', []))\n"
        "    s3.put_object(Bucket=event['bucket'], Key=f'attempt-{n}', Body=b'x')\n"
        "    raise RuntimeError('always fails')\n"
    )
    name = create_function({"app.py": code})
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"bucket": bucket}))

    def attempts() -> int:
        return len(s3.list_objects_v2(Bucket=bucket).get("Contents", []))

    def wait_for(n: int) -> None:
        deadline = time.time() + 20
        while time.time() < deadline and attempts() < n:
            time.sleep(0.05)
        assert attempts() == n

    wait_for(1)
    strato.advance_clock(61)  # AWS retries after about a minute ...
    wait_for(2)
    strato.advance_clock(121)  # ... then after two more, and gives up after two retries
    wait_for(3)
    strato.advance_clock(300)
    time.sleep(0.5)
    assert attempts() == 3


def test_parallel_invocations_use_parallel_environments(lam, create_function):
    name = create_function(
        {
            "app.py": "import time, os\ndef handler(event, context):\n    time.sleep(0.5)\n    return os.getpid()\n"
        }
    )
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        pids = list(pool.map(lambda _: invoke_json(lam, name)[1], range(6)))
    elapsed = time.time() - started
    assert len(set(pids)) == 6
    assert elapsed < 2.5  # six half-second calls in parallel, not three seconds in a row


def test_exec_wrapper_layer_sets_variables_before_the_runtime(lam, create_function):
    wrapper = '#!/bin/sh\nexport FROM_WRAPPER="wrapped:$1"\nexec "$@"\n'
    layer = lam.publish_layer_version(
        LayerName=f"wrapper-{uuid.uuid4().hex[:6]}",
        Content={"ZipFile": make_zip({"wrapper.sh": wrapper}, {"wrapper.sh": 0o755})},
    )
    code = "import os\ndef handler(event, context):\n    return os.environ.get('FROM_WRAPPER')\n"
    name = create_function(
        {"app.py": code},
        Layers=[layer["LayerVersionArn"]],
        Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrapper.sh"}},
    )
    body = invoke_json(lam, name)[1]
    assert body.startswith("wrapped:") and "python" in body


def test_node_commonjs_esm_callback_and_errors(lam, create_function):
    cjs = create_function(
        {
            "index.js": "exports.handler = async (event, context) => ({ kind: 'cjs', n: event.n, fn: context.functionName });\n"
        },
        runtime="nodejs20.x",
        handler="index.handler",
    )
    esm = create_function(
        {"app.mjs": "export const handler = async (event) => ({ kind: 'esm', n: event.n });\n"},
        runtime="nodejs22.x",
        handler="app.handler",
    )
    cb = create_function(
        {
            "cb.js": "exports.handler = (event, context, callback) => { console.log('callback style'); callback(null, { kind: 'callback' }); };\n"
        },
        runtime="nodejs20.x",
        handler="cb.handler",
    )
    bad = create_function(
        {"index.js": "exports.handler = async () => { throw new TypeError('nope'); };\n"},
        runtime="nodejs20.x",
        handler="index.handler",
    )
    assert invoke_json(lam, cjs, {"n": 1})[1] == {"kind": "cjs", "n": 1, "fn": cjs}
    assert invoke_json(lam, esm, {"n": 2})[1] == {"kind": "esm", "n": 2}
    out, body = invoke_json(lam, cb, LogType="Tail")
    assert body == {"kind": "callback"}
    assert "\tINFO\tcallback style" in base64.b64decode(out["LogResult"]).decode()
    out, body = invoke_json(lam, bad)
    assert (
        out["FunctionError"] == "Unhandled"
        and body["errorType"] == "TypeError"
        and body["errorMessage"] == "nope"
    )


def test_node_handler_reaches_strato_s3_with_the_bundled_sdk_v3(lam, s3, bucket, create_function):
    code = (
        "import { S3Client, PutObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';\n"
        "const s3 = new S3Client({});\n"
        "export const handler = async (event) => {\n"
        "  await s3.send(new PutObjectCommand({ Bucket: event.bucket, Key: 'from-node.txt', Body: 'node was here' }));\n"
        "  const listed = await s3.send(new ListObjectsV2Command({ Bucket: event.bucket }));\n"
        "  return listed.Contents.map((o) => o.Key);\n"
        "};\n"
    )
    name = create_function(
        {"index.mjs": code}, runtime="nodejs20.x", handler="index.handler", Timeout=60
    )
    out, body = invoke_json(lam, name, {"bucket": bucket})
    assert body == ["from-node.txt"], body
    assert s3.get_object(Bucket=bucket, Key="from-node.txt")["Body"].read() == b"node was here"


def test_provided_runtime_runs_its_bootstrap(lam, create_function):
    bootstrap = (
        "#!/usr/bin/env python3\n"
        "import json, os, urllib.request\n"
        "api = os.environ['AWS_LAMBDA_RUNTIME_API']\n"
        "while True:\n"
        "    with urllib.request.urlopen(f'http://{api}/2018-06-01/runtime/invocation/next') as r:\n"
        "        rid = r.headers['Lambda-Runtime-Aws-Request-Id']\n"
        "        event = json.loads(r.read())\n"
        "    body = json.dumps({'echo': event, 'handler': os.environ['_HANDLER']}).encode()\n"
        "    urllib.request.urlopen(urllib.request.Request(f'http://{api}/2018-06-01/runtime/invocation/{rid}/response', data=body, method='POST')).read()\n"
    )
    name = create_function(
        {"bootstrap": bootstrap},
        runtime="provided.al2023",
        handler="my.handler",
        modes={"bootstrap": 0o755},
    )
    assert invoke_json(lam, name, {"a": 1})[1] == {"echo": {"a": 1}, "handler": "my.handler"}


def test_recursive_loop_is_stopped_after_16_invocations(lam, s3, bucket, create_function):
    code = (
        "import boto3, json, os\n"
        "def handler(event, context):\n"
        "    boto3.client('s3').put_object(Bucket=event['bucket'], Key=context.aws_request_id, Body=os.environ['_X_AMZN_TRACE_ID'])\n"
        "    try:\n"
        "        boto3.client('lambda').invoke(FunctionName=context.function_name, InvocationType='Event', Payload=json.dumps(event))\n"
        "    except Exception as e:\n"
        "        print('stopped:', type(e).__name__)\n"
    )
    name = create_function({"app.py": code})
    assert lam.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Terminate"
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"bucket": bucket}))

    def count() -> int:
        return len(s3.list_objects_v2(Bucket=bucket).get("Contents", []))

    deadline = time.time() + 60
    while time.time() < deadline and count() < 16:
        time.sleep(0.1)
    time.sleep(1.0)  # nothing more arrives: the 17th call was refused
    assert count() == 16
    traces = [
        s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read().decode()
        for o in s3.list_objects_v2(Bucket=bucket)["Contents"]
    ]
    assert sorted(int(t.rpartition(":")[2]) for t in traces) == list(range(16))
    lam.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow")
    assert lam.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Allow"


def test_nodejs16_handler_uses_the_bundled_sdk_v2_pointed_at_strato(
    lam, s3, bucket, create_function
):
    code = (
        "const AWS = require('aws-sdk');\n"
        "const s3 = new AWS.S3();\n"
        "exports.handler = async (event) => {\n"
        "  await s3.putObject({ Bucket: event.bucket, Key: 'from-v2.txt', Body: 'sdk v2' }).promise();\n"
        "  const listed = await s3.listObjectsV2({ Bucket: event.bucket }).promise();\n"
        "  return listed.Contents.map((o) => o.Key);\n"
        "};\n"
    )
    name = create_function(
        {"index.js": code}, runtime="nodejs16.x", handler="index.handler", Timeout=60
    )
    out, body = invoke_json(lam, name, {"bucket": bucket}, LogType="Tail")
    assert body == ["from-v2.txt"], body
    assert (
        "Strato runs nodejs16.x on the host's Node.js"
        in base64.b64decode(out["LogResult"]).decode()
    )
