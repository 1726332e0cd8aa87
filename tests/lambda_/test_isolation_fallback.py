"""Where mount namespaces are unavailable, functions still run from per-environment folders."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from botocore.config import Config
from lambda_helpers import ROLE, make_zip

from strato_server import StratoProcess


@pytest.fixture(scope="module")
def folders_server(tmp_path_factory):
    server = StratoProcess(
        str(tmp_path_factory.mktemp("folders") / "state"), env={"STRATO_ISOLATION": "folders"}
    ).start()
    yield server
    server.stop()


def test_folder_isolation_runs_code_and_layers(folders_server):
    deadline = time.time() + 5  # the banner is printed just after the server starts answering
    while "Function isolation" not in folders_server.log() and time.time() < deadline:
        time.sleep(0.05)
    assert "Function isolation: per-environment folders" in folders_server.log()
    lam = boto3.client(
        "lambda",
        endpoint_url=folders_server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
    layer = lam.publish_layer_version(
        LayerName="helpers",
        Content={"ZipFile": make_zip({"python/helpers.py": "VALUE = 'from layer'\n"})},
    )
    code = "import os, helpers\ndef handler(event, context):\n    root = os.environ['LAMBDA_TASK_ROOT']\n    return {'root': root, 'files': sorted(os.listdir(root)), 'cwd': os.getcwd(), 'layer': helpers.VALUE}\n"
    lam.create_function(
        FunctionName="plain",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": code})},
        Layers=[layer["LayerVersionArn"]],
    )
    body = json.loads(lam.invoke(FunctionName="plain")["Payload"].read())
    assert body["root"] != "/var/task" and body["root"].startswith(folders_server.state_dir)
    assert body["files"] == ["app.py"] and body["cwd"] == body["root"]
    assert body["layer"] == "from layer"
