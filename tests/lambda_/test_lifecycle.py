"""Environments are reaped after their keep-alive, and queued asynchronous invocations survive a crash."""

from __future__ import annotations

import base64
import json
import time

import boto3
import pytest
from botocore.config import Config
from lambda_helpers import ROLE, make_zip

from strato_server import StratoProcess


def _clients(endpoint):
    kw = dict(
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60),
    )
    return boto3.client("lambda", **kw), boto3.client("s3", **kw)


@pytest.fixture
def server(tmp_path):
    proc = StratoProcess(str(tmp_path / "state"), env={"STRATO_LAMBDA_KEEPALIVE": "30"}).start()
    yield proc
    proc.stop()


def _cold(out) -> bool:
    return "Init Duration" in base64.b64decode(out["LogResult"]).decode()


def test_idle_environments_are_reaped_after_the_keepalive(server):
    lam, _ = _clients(server.endpoint)
    lam.create_function(
        FunctionName="idle",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": "def handler(e, c):\n    return 1\n"})},
    )
    assert _cold(lam.invoke(FunctionName="idle", LogType="Tail"))
    assert not _cold(lam.invoke(FunctionName="idle", LogType="Tail"))
    server.advance_clock(31)
    time.sleep(1.5)  # the reaper looks every second
    assert _cold(lam.invoke(FunctionName="idle", LogType="Tail"))


def test_pending_async_invocation_survives_sigkill(server, tmp_path):
    lam, s3 = _clients(server.endpoint)
    s3.create_bucket(Bucket="marks")
    code = "import boto3\ndef handler(event, context):\n    boto3.client('s3').put_object(Bucket='marks', Key=event['mark'], Body=b'ran')\n"
    lam.create_function(
        FunctionName="later",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": code})},
    )
    lam.put_function_concurrency(
        FunctionName="later", ReservedConcurrentExecutions=0
    )  # throttled: it must wait
    assert (
        lam.invoke(
            FunctionName="later", InvocationType="Event", Payload=json.dumps({"mark": "m1"})
        )["StatusCode"]
        == 202
    )
    time.sleep(0.5)
    server.kill()
    server = StratoProcess(
        server.state_dir, port=server.port, env={"STRATO_LAMBDA_KEEPALIVE": "30"}
    ).start()
    try:
        lam, s3 = _clients(server.endpoint)
        lam.delete_function_concurrency(FunctionName="later")
        server.advance_clock(20 * 60)  # past any retry delay or in-flight lease
        deadline = time.time() + 20
        while time.time() < deadline:
            if s3.list_objects_v2(Bucket="marks").get("KeyCount"):
                break
            time.sleep(0.1)
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="marks")["Contents"]] == ["m1"]
    finally:
        server.stop()


def test_account_concurrency_limit_throttles_the_extra_invocation(tmp_path):
    import concurrent.futures

    from botocore.exceptions import ClientError

    server = StratoProcess(
        str(tmp_path / "limited"), env={"STRATO_LAMBDA_CONCURRENCY": "2"}
    ).start()
    try:
        lam, _ = _clients(server.endpoint)
        lam.create_function(
            FunctionName="slow",
            Runtime="python3.12",
            Role=ROLE,
            Handler="app.handler",
            Code={
                "ZipFile": make_zip(
                    {"app.py": "import time\ndef handler(e, c):\n    time.sleep(1)\n    return 1\n"}
                )
            },
        )
        assert lam.get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 2

        def call(_):
            client, _s3 = _clients(server.endpoint)
            try:
                client.invoke(FunctionName="slow")
                return "ok"
            except ClientError as e:
                return e.response["Error"]["Code"]

        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            results = sorted(pool.map(call, range(3)))
        assert results == ["TooManyRequestsException", "ok", "ok"]
    finally:
        server.stop()


def test_environment_folders_left_by_a_crash_are_removed_at_start(server):
    import os

    lam, _ = _clients(server.endpoint)
    lam.create_function(
        FunctionName="leftover",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": "def handler(e, c):\n    return 1\n"})},
    )
    lam.invoke(FunctionName="leftover")
    scratch = os.path.join(server.state_dir, "scratch", "runtime")
    assert os.listdir(scratch)  # the warm environment's folder
    server.kill()
    server = StratoProcess(server.state_dir, port=server.port).start()
    try:
        assert os.listdir(scratch) == []
    finally:
        server.stop()
