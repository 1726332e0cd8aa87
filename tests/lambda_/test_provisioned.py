"""Provisioned concurrency: environments initialised before any invocation, used first by the
version or alias, kept past the keep-alive, released on delete, provisioned again after a restart."""

from __future__ import annotations

import base64
import concurrent.futures
import datetime as dt
import json
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from lambda_helpers import ROLE, invoke_json, make_zip

from strato_server import StratoProcess

CODE = (
    "import os, time\n"
    "INIT_AT = time.time()\n"
    "def handler(event, context):\n"
    "    time.sleep(event.get('sleep', 0))\n"
    "    return {'init_at': INIT_AT, 'type': os.environ.get('AWS_LAMBDA_INITIALIZATION_TYPE'), 'pid': os.getpid()}\n"
)


def error_of(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def wait_until_ready(lam, name: str, qualifier: str, timeout: float = 60.0) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        out = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)
        if out["Status"] != "IN_PROGRESS":
            return out
        time.sleep(0.1)
    raise AssertionError(f"{name}:{qualifier} never left IN_PROGRESS")


def invoke_tail(lam, name: str, event=None) -> tuple[dict, str]:
    out, body = invoke_json(lam, name, event or {}, LogType="Tail")
    return body, base64.b64decode(out["LogResult"]).decode()


def test_provisioned_environments_are_initialised_ahead_and_used_first(lam, create_function):
    name = create_function({"app.py": CODE})
    version = lam.publish_version(FunctionName=name)["Version"]
    put = lam.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier=version, ProvisionedConcurrentExecutions=2
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (
        put["Status"],
        put["RequestedProvisionedConcurrentExecutions"],
        put["AllocatedProvisionedConcurrentExecutions"],
    ) == ("IN_PROGRESS", 2, 0)
    assert dt.datetime.strptime(put["LastModified"], "%Y-%m-%dT%H:%M:%S+0000")

    ready = wait_until_ready(lam, name, version)
    assert ready["Status"] == "READY"
    assert (
        ready["AllocatedProvisionedConcurrentExecutions"],
        ready["AvailableProvisionedConcurrentExecutions"],
    ) == (2, 2)
    assert ready["LastModified"] == put["LastModified"]
    before = time.time()

    body, tail = invoke_tail(lam, f"{name}:{version}")
    assert body["type"] == "provisioned-concurrency"
    assert body["init_at"] < before  # init ran when the concurrency was provisioned
    assert "Init Duration" not in tail and "REPORT RequestId" in tail

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        bodies = list(
            pool.map(lambda _: invoke_json(lam, f"{name}:{version}", {"sleep": 0.5})[1], range(2))
        )
    assert {b["type"] for b in bodies} == {"provisioned-concurrency"}
    assert len({b["pid"] for b in bodies}) == 2 and all(b["init_at"] < before for b in bodies)

    latest, tail = invoke_tail(lam, name)  # $LATEST is not provisioned
    assert latest["type"] == "on-demand" and "Init Duration" in tail

    listed = lam.list_provisioned_concurrency_configs(FunctionName=name)[
        "ProvisionedConcurrencyConfigs"
    ]
    assert [(c["FunctionArn"].rsplit(":", 1)[1], c["Status"]) for c in listed] == [
        (version, "READY")
    ]

    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier=version)
    assert error_of(
        lambda: lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=version)
    ) == (
        "ProvisionedConcurrencyConfigNotFoundException",
        "No Provisioned Concurrency Config found for this function",
    )
    assert (
        lam.list_provisioned_concurrency_configs(FunctionName=name)["ProvisionedConcurrencyConfigs"]
        == []
    )
    body, tail = invoke_tail(lam, f"{name}:{version}")
    assert body["type"] == "on-demand" and "Init Duration" in tail  # the provisioned ones are gone


def test_alias_configuration_conflicts_and_limits(lam, create_function):
    name = create_function({"app.py": CODE})
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)

    assert error_of(
        lambda: lam.put_provisioned_concurrency_config(
            FunctionName=name, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1
        )
    ) == (
        "InvalidParameterValueException",
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
    )
    assert error_of(
        lambda: lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="$LATEST")
    ) == (
        "InvalidParameterValueException",
        "The function resource provided must be an alias or a published version.",
    )
    assert (
        error_of(
            lambda: lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=version)
        )[0]
        == "ProvisionedConcurrencyConfigNotFoundException"
    )
    assert (
        error_of(
            lambda: lam.put_provisioned_concurrency_config(
                FunctionName=name, Qualifier="99", ProvisionedConcurrentExecutions=1
            )
        )[0]
        == "ResourceNotFoundException"
    )

    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    assert error_of(
        lambda: lam.put_provisioned_concurrency_config(
            FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=2
        )
    ) == (
        "InvalidParameterValueException",
        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function",
    )
    lam.delete_function_concurrency(FunctionName=name)

    lam.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=1
    )
    assert error_of(
        lambda: lam.put_provisioned_concurrency_config(
            FunctionName=name, Qualifier=version, ProvisionedConcurrentExecutions=1
        )
    ) == (
        "ResourceConflictException",
        "Version is pointed by a Provisioned Concurrency alias",
    )
    assert wait_until_ready(lam, name, "live")["Status"] == "READY"
    body, tail = invoke_tail(lam, f"{name}:live")
    assert body["type"] == "provisioned-concurrency" and "Init Duration" not in tail
    listed = lam.list_provisioned_concurrency_configs(FunctionName=name)[
        "ProvisionedConcurrencyConfigs"
    ]
    assert [c["FunctionArn"] for c in listed] == [
        f"arn:aws:lambda:us-east-1:000000000000:function:{name}:live"
    ]


def test_failing_init_reports_failed(lam, create_function):
    name = create_function({"app.py": "raise RuntimeError('no init for you')\n"})
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier=version, ProvisionedConcurrentExecutions=1
    )
    out = wait_until_ready(lam, name, version)
    assert (
        out["Status"],
        out["StatusReason"],
        out["AllocatedProvisionedConcurrentExecutions"],
    ) == ("FAILED", "FUNCTION_ERROR_INIT_FAILURE", 0)


@pytest.fixture
def own_server(tmp_path):
    proc = StratoProcess(str(tmp_path / "state"), env={"STRATO_LAMBDA_KEEPALIVE": "30"}).start()
    yield proc
    proc.stop()


def _lambda(endpoint: str):
    return boto3.client(
        "lambda",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60),
    )


def test_kept_past_the_keepalive_and_provisioned_again_after_a_restart(own_server):
    lam = _lambda(own_server.endpoint)
    lam.create_function(
        FunctionName="warm",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": CODE})},
        Publish=True,
    )
    lam.put_provisioned_concurrency_config(
        FunctionName="warm", Qualifier="1", ProvisionedConcurrentExecutions=1
    )
    assert wait_until_ready(lam, "warm", "1")["Status"] == "READY"
    first, _ = invoke_tail(lam, "warm:1")

    own_server.advance_clock(31)
    time.sleep(1.5)  # the reaper looks every second; provisioned environments are not its to reap
    again, tail = invoke_tail(lam, "warm:1")
    assert again["pid"] == first["pid"] and "Init Duration" not in tail

    own_server.stop()
    own_server.start()
    lam = _lambda(own_server.endpoint)
    assert wait_until_ready(lam, "warm", "1")["Status"] == "READY"
    after, tail = invoke_tail(lam, "warm:1")
    assert (
        after["type"] == "provisioned-concurrency"
        and after["pid"] != first["pid"]
        and "Init Duration" not in tail
    )
    body = json.loads(lam.invoke(FunctionName="warm")["Payload"].read())
    assert body["type"] == "on-demand"
