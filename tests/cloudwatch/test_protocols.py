"""The same CloudWatch calls over each protocol its model lists, and through the AWS CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError

PROTOCOLS = ["smithy-rpc-v2-cbor", "json", "query"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_metrics_and_errors_over_each_protocol(cw_speaking, namespace, protocol):
    cw = cw_speaking(protocol)
    sent = {}
    cw.meta.events.register(
        "before-send.cloudwatch.*",
        lambda request, **_: sent.update(request.headers),
    )
    t = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(minutes=2)
    cw.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": "Bytes",
                "Timestamp": t + dt.timedelta(seconds=5),
                "Values": [1.5, 2.5],
                "Counts": [2.0, 2.0],
                "Unit": "Bytes",
                "Dimensions": [{"Name": "Queue", "Value": "q/é"}],
            }
        ],
    )
    if protocol == "smithy-rpc-v2-cbor":
        assert sent["smithy-protocol"] in ("rpc-v2-cbor", b"rpc-v2-cbor")
    (metric,) = cw.list_metrics(Namespace=namespace)["Metrics"]
    assert metric["Dimensions"] == [{"Name": "Queue", "Value": "q/é"}]
    (point,) = cw.get_metric_statistics(
        Namespace=namespace,
        MetricName="Bytes",
        Dimensions=[{"Name": "Queue", "Value": "q/é"}],
        StartTime=t,
        EndTime=t + dt.timedelta(minutes=1),
        Period=60,
        Statistics=["Sum", "SampleCount"],
    )["Datapoints"]
    assert (point["Timestamp"], point["Sum"], point["SampleCount"], point["Unit"]) == (
        t,
        8.0,
        4.0,
        "Bytes",
    )
    (result,) = cw.get_metric_data(
        MetricDataQueries=[{"Id": "e", "Expression": "2 * 3", "Period": 60}],
        StartTime=t,
        EndTime=t + dt.timedelta(minutes=2),
    )["MetricDataResults"]
    assert result["Values"] == [6.0, 6.0]

    with pytest.raises(cw.exceptions.InvalidParameterValueException) as e:
        cw.put_metric_data(Namespace="AWS/S3", MetricData=[{"MetricName": "x", "Value": 1.0}])
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "AWS/S3" in e.value.response["Error"]["Message"]
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(cw.exceptions.ResourceNotFound):
        cw.delete_alarms(AlarmNames=[f"missing-{namespace}"])


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_bad_signature_over_each_protocol(endpoint, model_dir, protocol):
    import boto3
    import botocore.session
    from botocore.config import Config

    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(model_dir / protocol))
    cw = boto3.Session(botocore_session=session).client(
        "cloudwatch",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="wrong",
        config=Config(retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as e:
        cw.list_metrics()
    assert e.value.response["Error"]["Code"] in (
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    )


def _signed_cbor_post(endpoint: str, operation: str, body: bytes) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from strato.protocol import cbor

    url = f"{endpoint}/service/GraniteServiceVersion20100801/operation/{operation}"
    headers = {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"}
    aws_req = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials("test", "test"), "monitoring", "us-east-1").add_auth(aws_req)
    req = urllib.request.Request(url, data=body, headers=dict(aws_req.headers), method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, cbor.decode(r.read())
    except urllib.error.HTTPError as e:
        assert e.headers["smithy-protocol"] == "rpc-v2-cbor"
        return e.code, cbor.decode(e.read())


def test_cbor_errors_for_unknown_operations_and_bad_bodies(endpoint):
    from strato.protocol import cbor

    status, body = _signed_cbor_post(endpoint, "NoSuchThing", cbor.encode({}))
    assert (status, body["__type"]) == (404, "UnknownOperationException")
    status, body = _signed_cbor_post(endpoint, "ListMetrics", b"\xbf\x61")  # truncated map
    assert (status, body["__type"]) == (400, "SerializationException")
    status, body = _signed_cbor_post(endpoint, "ListMetrics", cbor.encode({"Namespace": 5}))
    assert (status, body["__type"]) == (400, "SerializationException")
    status, body = _signed_cbor_post(endpoint, "ListMetrics", cbor.encode({}))
    assert status == 200 and isinstance(body.get("Metrics"), list)


def _aws_cli() -> list[str] | None:
    if shutil.which("aws"):
        return ["aws"]
    try:
        import awscli  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "awscli"]


def test_aws_cli_put_then_get_statistics(endpoint, namespace):
    cli = _aws_cli()
    if cli is None:
        pytest.skip("the AWS CLI is not installed")
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }
    t = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(minutes=3)
    stamp = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    for value in ("4", "6"):
        subprocess.run(
            cli
            + [
                "cloudwatch",
                "put-metric-data",
                "--namespace",
                namespace,
                "--metric-name",
                "Jobs",
                "--dimensions",
                "Queue=high",
                "--unit",
                "Count",
                "--timestamp",
                stamp,
                "--value",
                value,
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
    out = subprocess.run(
        cli
        + [
            "cloudwatch",
            "get-metric-statistics",
            "--namespace",
            namespace,
            "--metric-name",
            "Jobs",
            "--dimensions",
            "Name=Queue,Value=high",
            "--start-time",
            (t - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "--end-time",
            (t + dt.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "--period",
            "60",
            "--statistics",
            "Sum",
            "Average",
            "--output",
            "json",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    (point,) = json.loads(out.stdout)["Datapoints"]
    assert (point["Sum"], point["Average"], point["Unit"]) == (10.0, 5.0, "Count")
