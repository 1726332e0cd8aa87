"""Clients the CLI uses to talk to a running Strato server, like any SDK would."""

from __future__ import annotations

import os

import boto3
from botocore.config import Config


def endpoint(explicit: str | None) -> str:
    if explicit:
        return explicit
    if os.environ.get("AWS_ENDPOINT_URL"):
        return os.environ["AWS_ENDPOINT_URL"]
    return f"http://127.0.0.1:{os.environ.get('STRATO_PORT', '4566')}"


def client(service: str, url: str | None, region: str | None):
    return boto3.client(
        service,
        endpoint_url=endpoint(url),
        region_name=region
        or os.environ.get("AWS_DEFAULT_REGION")
        or os.environ.get("AWS_REGION")
        or "us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        config=Config(retries={"total_max_attempts": 1}, read_timeout=900),
    )
