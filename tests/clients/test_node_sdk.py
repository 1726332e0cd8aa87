"""The AWS SDK for JavaScript v3 against Strato: what Node.js handlers and tools will use."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import uuid

import pytest

NODE_DIR = os.path.join(os.path.dirname(__file__), "node")


@pytest.fixture(scope="module")
def node_sdk():
    if shutil.which("node") is None:
        pytest.fail("Node.js is required for the client tests (README: Python 3.11 and Node.js)")
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "@aws-sdk", "client-s3")):
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=True
        )
    return NODE_DIR


def test_s3_with_sdk_v3(node_sdk, endpoint):
    bucket = f"node-{uuid.uuid4().hex[:12]}"
    run = subprocess.run(
        ["node", "s3_roundtrip.mjs", endpoint, bucket],
        cwd=node_sdk,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["smallETag"] == f'"{hashlib.md5(b"hello from node").hexdigest()}"'
    assert out["smallBody"] == "hello from node"
    assert out["smallType"] == "text/plain"
    assert out["smallMeta"] == {"origin": "node"}
    assert out["streamedETag"] == f'"{out["streamedMd5"]}"'
    assert out["streamedReadMd5"] == out["streamedMd5"]
    assert out["streamedLength"] == 300000
    part_md5s = [hashlib.md5(b"\x01" * (5 * 1024 * 1024)).digest(), hashlib.md5(b"end").digest()]
    assert out["mpuETag"] == f'"{hashlib.md5(b"".join(part_md5s)).hexdigest()}-2"'
    assert out["listed"] == ["dir/small.txt", "dir/streamed.bin"]
    assert out["presignedBody"] == "hello from node"
    assert out["missing"] == "NoSuchKey 404"
