"""The Lambda control plane through boto3: create, read, list, update, delete, versions, aliases, layers."""

from __future__ import annotations

import base64
import hashlib
import urllib.request

import pytest
from botocore.exceptions import ClientError
from lambda_helpers import ROLE, invoke_json, make_zip

APP = "def handler(event, context):\n    return {'version': 'one'}\n"


def error_of(call) -> tuple[str, int]:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_create_get_list_delete(lam, create_function):
    zipped = make_zip({"app.py": APP})
    name = create_function(
        {"app.py": APP},
        Description="first",
        Timeout=5,
        MemorySize=256,
        Environment={"Variables": {"A": "1"}},
        Tags={"team": "x"},
    )
    got = lam.get_function(FunctionName=name)
    config = got["Configuration"]
    assert config["State"] == "Active" and config["LastUpdateStatus"] == "Successful"
    assert config["Runtime"] == "python3.12" and config["Handler"] == "app.handler"
    assert (
        config["Timeout"] == 5 and config["MemorySize"] == 256 and config["Description"] == "first"
    )
    assert config["Environment"]["Variables"] == {"A": "1"}
    assert config["CodeSha256"] == base64.b64encode(hashlib.sha256(zipped).digest()).decode()
    assert config["CodeSize"] == len(zipped)
    assert config["FunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert got["Tags"] == {"team": "x"}
    with urllib.request.urlopen(got["Code"]["Location"]) as r:
        assert r.read() == zipped
    assert (
        lam.get_function_configuration(FunctionName=config["FunctionArn"])["FunctionName"] == name
    )
    names = [
        f["FunctionName"]
        for page in lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 1})
        for f in page["Functions"]
    ]
    assert name in names
    lam.delete_function(FunctionName=name)
    assert error_of(lambda: lam.get_function(FunctionName=name)) == (
        "ResourceNotFoundException",
        404,
    )


def test_create_reports_pending_then_active(lam, create_function):
    name = f"pending-{__import__('uuid').uuid4().hex[:8]}"
    out = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": APP})},
    )
    try:
        assert out["State"] == "Pending"
        lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1})
    finally:
        lam.delete_function(FunctionName=name)


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"MemorySize": 20000}, "ValidationException"),
        ({"Timeout": 901}, "ValidationException"),
        ({"Environment": {"Variables": {"AWS_REGION": "x"}}}, "InvalidParameterValueException"),
        ({"Environment": {"Variables": {"BIG": "x" * 5000}}}, "InvalidParameterValueException"),
        ({"Runtime": "cobol85"}, "InvalidParameterValueException"),
    ],
)
def test_bad_configuration_is_refused(lam, kwargs, code):
    params = {
        "FunctionName": "bad-config",
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "app.handler",
        "Code": {"ZipFile": make_zip({"app.py": APP})},
    }
    params.update(kwargs)
    assert error_of(lambda: lam.create_function(**params))[0] == code


def test_duplicate_and_bad_zip(lam, create_function):
    name = create_function({"app.py": APP})
    assert error_of(
        lambda: lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=ROLE,
            Handler="app.handler",
            Code={"ZipFile": make_zip({"app.py": APP})},
        )
    ) == ("ResourceConflictException", 409)
    assert (
        error_of(
            lambda: lam.create_function(
                FunctionName="not-a-zip",
                Runtime="python3.12",
                Role=ROLE,
                Handler="app.handler",
                Code={"ZipFile": b"not a zip"},
            )
        )[0]
        == "InvalidParameterValueException"
    )


def test_code_from_s3_and_updates(lam, s3, bucket, create_function):
    s3.put_object(Bucket=bucket, Key="v2.zip", Body=make_zip({"app.py": APP.replace("one", "two")}))
    name = create_function({"app.py": APP})
    assert invoke_json(lam, name)[1] == {"version": "one"}
    out = lam.update_function_code(FunctionName=name, S3Bucket=bucket, S3Key="v2.zip")
    assert out["LastUpdateStatus"] == "InProgress"
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1})
    assert invoke_json(lam, name)[1] == {"version": "two"}
    lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"GREETING": "hi"}}, Handler="app2.handler"
    )
    lam.update_function_code(
        FunctionName=name,
        ZipFile=make_zip(
            {"app2.py": "import os\ndef handler(e, c):\n    return os.environ['GREETING']\n"}
        ),
    )
    assert invoke_json(lam, name)[1] == "hi"
    assert (
        error_of(
            lambda: lam.update_function_code(
                FunctionName=name, S3Bucket=bucket, S3Key="missing.zip"
            )
        )[0]
        == "InvalidParameterValueException"
    )


def test_versions_and_aliases(lam, create_function):
    name = create_function({"app.py": APP})
    v1 = lam.publish_version(FunctionName=name)["Version"]
    assert v1 == "1"
    assert (
        lam.publish_version(FunctionName=name)["Version"] == "1"
    )  # unchanged code is not republished
    lam.update_function_code(
        FunctionName=name, ZipFile=make_zip({"app.py": APP.replace("one", "two")})
    )
    v2 = lam.publish_version(FunctionName=name)["Version"]
    assert v2 == "2"
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]] == [
        "$LATEST",
        "1",
        "2",
    ]
    out, body = invoke_json(lam, name, Qualifier="1")
    assert body == {"version": "one"} and out["ExecutedVersion"] == "1"
    alias = lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    assert alias["AliasArn"].endswith(f":{name}:live")
    assert invoke_json(lam, f"{name}:live")[1] == {"version": "one"}
    lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2")
    out, body = invoke_json(lam, name, Qualifier="live")
    assert body == {"version": "two"} and out["ExecutedVersion"] == "2"
    lam.update_alias(
        FunctionName=name,
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}},
    )
    seen = {invoke_json(lam, name, Qualifier="live")[0]["ExecutedVersion"] for _ in range(30)}
    assert seen == {"1", "2"}
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name)["Aliases"]] == ["live"]
    assert error_of(
        lambda: lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    ) == ("ResourceConflictException", 409)
    assert (
        error_of(lambda: lam.invoke(FunctionName=name, Qualifier="nope"))[0]
        == "ResourceNotFoundException"
    )
    lam.delete_alias(FunctionName=name, Name="live")
    lam.delete_function(FunctionName=name, Qualifier="1")
    assert (
        error_of(lambda: lam.get_function(FunctionName=name, Qualifier="1"))[0]
        == "ResourceNotFoundException"
    )


def test_layers_reach_opt_and_sys_path(lam, create_function):
    layer = lam.publish_layer_version(
        LayerName="shared-utils",
        Content={
            "ZipFile": make_zip(
                {
                    "python/shared_utils.py": "def shout(s):\n    return s.upper()\n",
                    "config/settings.txt": "from-the-layer",
                }
            )
        },
        CompatibleRuntimes=["python3.12"],
    )
    assert layer["Version"] >= 1
    code = (
        "import shared_utils\n"
        "def handler(event, context):\n"
        "    with open('/opt/config/settings.txt') as f:\n"
        "        return shared_utils.shout(f.read())\n"
    )
    name = create_function({"app.py": code}, Layers=[layer["LayerVersionArn"]])
    assert invoke_json(lam, name)[1] == "FROM-THE-LAYER"
    versions = lam.list_layer_versions(LayerName="shared-utils")["LayerVersions"]
    assert layer["LayerVersionArn"] in [v["LayerVersionArn"] for v in versions]
    with urllib.request.urlopen(
        lam.get_layer_version(LayerName="shared-utils", VersionNumber=layer["Version"])["Content"][
            "Location"
        ]
    ) as r:
        assert r.read()[:2] == b"PK"
    assert (
        error_of(
            lambda: create_function(
                {"app.py": code}, Layers=["arn:aws:lambda:us-east-1:000000000000:layer:nope:1"]
            )
        )[0]
        == "InvalidParameterValueException"
    )


def test_reserved_concurrency_zero_throttles(lam, create_function):
    name = create_function({"app.py": APP})
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 0
    assert error_of(lambda: lam.invoke(FunctionName=name)) == ("TooManyRequestsException", 429)
    lam.delete_function_concurrency(FunctionName=name)
    assert invoke_json(lam, name)[1] == {"version": "one"}
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
