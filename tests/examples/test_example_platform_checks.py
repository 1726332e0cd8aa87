"""Strato behaviour the example applications depend on, pinned by minimal tests (xfail: a known bug)."""

from __future__ import annotations

import io
import zipfile

import boto3
import pytest
from botocore.exceptions import ClientError
from example_helpers import invoke, unique

from strato_server import StratoProcess

ROLE = "arn:aws:iam::000000000000:role/example-bugs"


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


@pytest.fixture
def clock_server(tmp_path):
    # Its own server: advancing the session's clock would shift every later test.
    server = StratoProcess(str(tmp_path / "state")).start()
    yield server
    server.stop()


def test_remaining_time_stays_within_the_timeout_after_the_clock_moves(clock_server):
    """In-code timeouts (examples/graphql-monitoring) read get_remaining_time_in_millis()."""
    lam = boto3.client(
        "lambda",
        endpoint_url=clock_server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    name = unique("remaining")
    code = "def handler(event, context):\n    return context.get_remaining_time_in_millis()\n"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Timeout=3,
        Code={"ZipFile": _zip({"app.py": code})},
    )
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    clock_server.advance_clock(3600)
    remaining = invoke(lam, name).body
    assert 0 < remaining <= 3000


@pytest.mark.parametrize(
    "service,call",
    [
        ("iam", lambda c: c.get_role(RoleName="anything")),
        ("kms", lambda c: c.list_keys()),
        ("route53", lambda c: c.list_hosted_zones()),
    ],
)
def test_unhosted_service_gets_an_error_its_client_can_read(client_factory, service, call):
    """query (IAM), json (KMS) and rest-xml (Route 53) clients each parse the refusal."""
    with pytest.raises(ClientError) as e:
        call(client_factory(service))
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "does not host" in e.value.response["Error"]["Message"]
