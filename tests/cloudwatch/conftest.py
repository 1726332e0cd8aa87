"""CloudWatch clients bound to the test server: boto3's default (json), and rpc-v2-cbor and
query clients built from the same model with only its `protocols` changed, as older or
newer SDKs would send."""

from __future__ import annotations

import json
import os
import uuid

import boto3
import botocore.session
import pytest
from botocore.config import Config


@pytest.fixture(scope="session")
def cw(client_factory):
    return client_factory("cloudwatch")


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """A botocore data directory holding CloudWatch's model once per protocol."""
    root = tmp_path_factory.mktemp("cw-models")
    loader = botocore.session.get_session().get_component("data_loader")
    model = loader.load_service_model("cloudwatch", "service-2")
    version = model["metadata"]["apiVersion"]
    for protocol in ("smithy-rpc-v2-cbor", "query", "json"):
        data = {**model, "metadata": {**model["metadata"], "protocols": [protocol]}}
        data["metadata"]["protocol"] = protocol
        path = root / protocol / "cloudwatch" / version
        os.makedirs(path)
        (path / "service-2.json").write_text(json.dumps(data))
    return root


@pytest.fixture(scope="session")
def cw_speaking(endpoint, model_dir):
    """cw_speaking('query') is a boto3 CloudWatch client that sends that protocol."""

    def make(protocol: str):
        session = botocore.session.get_session()
        session.get_component("data_loader").search_paths.insert(0, str(model_dir / protocol))
        client = boto3.Session(botocore_session=session).client(
            "cloudwatch",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1}),
        )
        assert client.meta.service_model.resolved_protocol == protocol
        return client

    return make


@pytest.fixture
def namespace() -> str:
    return f"Test/{uuid.uuid4().hex[:12]}"
