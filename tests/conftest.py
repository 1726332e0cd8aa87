"""Shared fixtures: one real Strato server per test session, and boto3 clients bound to it."""

from __future__ import annotations

import os
import subprocess
import uuid

import boto3
import pytest
from botocore.config import Config

from strato_server import StratoProcess

os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(scope="session")
def strato(tmp_path_factory):
    server = StratoProcess(str(tmp_path_factory.mktemp("strato") / "state")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def endpoint(strato) -> str:
    return strato.endpoint


@pytest.fixture(scope="session")
def client_factory(endpoint):
    def make(
        service: str, region: str = "us-east-1", key: str = "test", secret: str = "test", **config
    ):
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=Config(retries={"total_max_attempts": 1}, **config),
        )

    return make


@pytest.fixture(scope="session")
def s3(client_factory):
    return client_factory("s3")


@pytest.fixture
def bucket(s3):
    name = f"test-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="session")
def aws(endpoint, tmp_path_factory):
    """Run the AWS CLI against the session server, isolated from the user's own AWS config."""
    home = tmp_path_factory.mktemp("aws-home")
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_PAGER": "",
    }

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(["aws", *args], env=env, capture_output=True, text=True, timeout=120)
        if check:
            assert proc.returncode == 0, f"aws {' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
        return proc

    return run
