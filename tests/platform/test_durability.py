"""SIGKILL the server in the middle of a stream of PUTs: nothing acknowledged is lost, nothing partial appears."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time

import boto3
import pytest
from botocore.config import Config

from strato.store import INLINE_MAX
from strato_server import StratoProcess

HERE = os.path.dirname(__file__)


def _client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


def _read_log(path: str) -> tuple[dict[str, tuple[str, int]], set[str]]:
    attempts: dict[str, tuple[str, int]] = {}
    acked: set[str] = set()
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts[0] == "attempt" and len(parts) == 4:
                attempts[parts[1]] = (parts[2], int(parts[3]))
            elif parts[0] == "ack" and len(parts) == 2:
                acked.add(parts[1])
    return attempts, acked


def _blob_files(state_dir: str) -> int:
    root = os.path.join(state_dir, "blobs")
    return sum(len(files) for _, _, files in os.walk(root))


@pytest.mark.parametrize("round_", range(3))
def test_sigkill_mid_upload_loses_nothing_acknowledged(tmp_path, round_):
    state = str(tmp_path / "state")
    server = StratoProcess(state).start()
    log_path = str(tmp_path / "writes.log")
    s3 = _client(server.endpoint)
    s3.create_bucket(Bucket="durable")
    writer = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "put_loop.py"), server.endpoint, "durable", log_path]
    )
    try:
        # Let a few writes land, then kill at a moment that varies between rounds.
        deadline = time.monotonic() + 30
        target = 8 + 5 * round_
        while time.monotonic() < deadline:
            if os.path.exists(log_path) and len(_read_log(log_path)[1]) >= target:
                break
            time.sleep(0.01)
        time.sleep(0.003 * (round_ + 1))
        server.kill()
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
    attempts, acked = _read_log(log_path)
    assert len(acked) >= 8, "the writer made too little progress to test anything"

    server = StratoProcess(state, port=server.port).start()
    try:
        s3 = _client(server.endpoint)
        for key in sorted(acked):
            digest, size = attempts[key]
            body = s3.get_object(Bucket="durable", Key=key)["Body"].read()
            assert len(body) == size, f"{key}: acknowledged {size} bytes, read back {len(body)}"
            assert hashlib.sha256(body).hexdigest() == digest, f"{key} changed after the crash"
        listed = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="durable"):
            listed += page.get("Contents", [])
        for obj in listed:
            key = obj["Key"]
            assert key in attempts, f"{key} appeared without ever being written"
            digest, size = attempts[key]
            body = s3.get_object(Bucket="durable", Key=key)["Body"].read()
            assert obj["Size"] == size == len(body), f"{key} is half-written"
            assert hashlib.sha256(body).hexdigest() == digest
        assert acked <= {o["Key"] for o in listed}
        # No orphaned bytes: every blob file on disk belongs to a listed object
        # (objects up to INLINE_MAX are kept inside the database instead).
        assert _blob_files(state) == sum(1 for o in listed if o["Size"] > INLINE_MAX)
    finally:
        server.stop()


def test_sigterm_shuts_down_cleanly_and_keeps_data(tmp_path):
    state = str(tmp_path / "state")
    server = StratoProcess(state).start()
    s3 = _client(server.endpoint)
    s3.create_bucket(Bucket="kept")
    s3.put_object(Bucket="kept", Key="k", Body=b"v" * 5000)
    assert server.stop() == 0
    server = StratoProcess(state, port=server.port).start()
    try:
        assert (
            _client(server.endpoint).get_object(Bucket="kept", Key="k")["Body"].read()
            == b"v" * 5000
        )
    finally:
        server.stop()
