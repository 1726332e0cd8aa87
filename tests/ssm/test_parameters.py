"""SSM Parameter Store through boto3: types, versions, labels, paths, filters, tags, secret references."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def ssm(client_factory):
    return client_factory("ssm")


@pytest.fixture
def root() -> str:
    return f"/t{uuid.uuid4().hex[:8]}"


def _error(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def test_put_get_versions_and_overwrite(ssm, root):
    name = f"{root}/db/host"
    assert ssm.put_parameter(Name=name, Value="a", Type="String")["Version"] == 1
    code, _ = _error(ssm.put_parameter, Name=name, Value="b", Type="String")
    assert code == "ParameterAlreadyExists"
    assert ssm.put_parameter(Name=name, Value="b", Overwrite=True)["Version"] == 2
    got = ssm.get_parameter(Name=name)["Parameter"]
    assert (got["Value"], got["Version"], got["Type"]) == ("b", 2, "String")
    assert got["ARN"] == f"arn:aws:ssm:us-east-1:000000000000:parameter{name}"
    assert ssm.get_parameter(Name=f"{name}:1")["Parameter"]["Value"] == "a"
    code, _ = _error(ssm.get_parameter, Name=f"{name}:9")
    assert code == "ParameterVersionNotFound"
    history = ssm.get_parameter_history(Name=name)["Parameters"]
    assert [(h["Version"], h["Value"]) for h in history] == [(1, "a"), (2, "b")]
    code, _ = _error(ssm.get_parameter, Name=f"{root}/missing")
    assert code == "ParameterNotFound"


def test_secure_string_and_string_list(ssm, root):
    ssm.put_parameter(Name=f"{root}/pw", Value="hunter2", Type="SecureString", KeyId="alias/k")
    plain = ssm.get_parameter(Name=f"{root}/pw")["Parameter"]["Value"]
    assert plain != "hunter2"
    assert (
        ssm.get_parameter(Name=f"{root}/pw", WithDecryption=True)["Parameter"]["Value"] == "hunter2"
    )
    meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [f"{root}/pw"]}])
    assert meta["Parameters"][0]["KeyId"] == "alias/k"
    ssm.put_parameter(Name=f"{root}/list", Value="a,b,c", Type="StringList")
    assert ssm.get_parameter(Name=f"{root}/list")["Parameter"]["Type"] == "StringList"


def test_labels(ssm, root):
    name = f"{root}/feature"
    ssm.put_parameter(Name=name, Value="v1", Type="String")
    ssm.put_parameter(Name=name, Value="v2", Type="String", Overwrite=True)
    out = ssm.label_parameter_version(Name=name, ParameterVersion=1, Labels=["stable", "aws-bad"])
    assert out["InvalidLabels"] == ["aws-bad"]
    assert ssm.get_parameter(Name=f"{name}:stable")["Parameter"]["Value"] == "v1"
    ssm.label_parameter_version(Name=name, Labels=["stable"])  # moves to the latest version
    assert ssm.get_parameter(Name=f"{name}:stable")["Parameter"]["Value"] == "v2"


def test_get_parameters_and_delete(ssm, root):
    ssm.put_parameter(Name=f"{root}/a", Value="1", Type="String")
    ssm.put_parameter(Name=f"{root}/b", Value="2", Type="String")
    out = ssm.get_parameters(Names=[f"{root}/a", f"{root}/b", f"{root}/zzz"])
    assert sorted(p["Value"] for p in out["Parameters"]) == ["1", "2"]
    assert out["InvalidParameters"] == [f"{root}/zzz"]
    ssm.delete_parameter(Name=f"{root}/a")
    code, _ = _error(ssm.delete_parameter, Name=f"{root}/a")
    assert code == "ParameterNotFound"
    out = ssm.delete_parameters(Names=[f"{root}/b", f"{root}/nope"])
    assert out == {**out, "DeletedParameters": [f"{root}/b"], "InvalidParameters": [f"{root}/nope"]}


def test_get_parameters_by_path_recursive_filters_and_pages(ssm, root):
    for i in range(4):
        ssm.put_parameter(Name=f"{root}/svc/p{i}", Value=str(i), Type="String")
    ssm.put_parameter(Name=f"{root}/svc/deep/x", Value="x", Type="SecureString")
    shallow = ssm.get_parameters_by_path(Path=f"{root}/svc")["Parameters"]
    assert sorted(p["Name"] for p in shallow) == [f"{root}/svc/p{i}" for i in range(4)]
    names, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ssm.get_parameters_by_path(
            Path=f"{root}/svc", Recursive=True, MaxResults=2, **kwargs
        )
        names += [p["Name"] for p in page["Parameters"]]
        token = page.get("NextToken")
        if not token:
            break
    assert len(names) == 5 and f"{root}/svc/deep/x" in names
    secure = ssm.get_parameters_by_path(
        Path=root,
        Recursive=True,
        WithDecryption=True,
        ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}],
    )["Parameters"]
    assert [(p["Name"], p["Value"]) for p in secure] == [(f"{root}/svc/deep/x", "x")]


def test_validation_errors(ssm, root):
    code, _ = _error(
        ssm.put_parameter, Name=f"{root}/p", Value="abc", Type="String", AllowedPattern="^\\d+$"
    )
    assert code == "ParameterPatternMismatchException"
    code, _ = _error(ssm.put_parameter, Name="aws-thing", Value="v", Type="String")
    assert code == "ValidationException"
    code, _ = _error(ssm.put_parameter, Name=f"{root}/p", Value="v", Type="String", DataType="Text")
    assert code == "ValidationException"
    code, _ = _error(
        ssm.put_parameter,
        Name=f"{root}/p",
        Value="v",
        Type="String",
        Overwrite=True,
        Tags=[{"Key": "a", "Value": "b"}],
    )
    assert code == "ValidationException"


def test_tags_and_describe_filters(ssm, root):
    ssm.put_parameter(
        Name=f"{root}/tagged", Value="v", Type="String", Tags=[{"Key": "team", "Value": "blue"}]
    )
    ssm.put_parameter(Name=f"{root}/plain", Value="v", Type="String")
    ssm.add_tags_to_resource(
        ResourceType="Parameter", ResourceId=f"{root}/plain", Tags=[{"Key": "env", "Value": "dev"}]
    )
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=f"{root}/plain")[
        "TagList"
    ] == [{"Key": "env", "Value": "dev"}]
    found = ssm.describe_parameters(
        ParameterFilters=[
            {"Key": "Path", "Option": "Recursive", "Values": [root]},
            {"Key": "tag:team"},
        ]
    )["Parameters"]
    assert [p["Name"] for p in found] == [f"{root}/tagged"]
    ssm.remove_tags_from_resource(
        ResourceType="Parameter", ResourceId=f"{root}/plain", TagKeys=["env"]
    )
    assert (
        ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=f"{root}/plain")["TagList"]
        == []
    )
    begins = ssm.describe_parameters(Filters=[{"Key": "Name", "Values": [f"{root}/ta"]}])[
        "Parameters"
    ]
    assert [p["Name"] for p in begins] == [f"{root}/tagged"]


def test_reference_reads_a_secret(ssm, client_factory):
    sm = client_factory("secretsmanager")
    name = f"ref-{uuid.uuid4().hex[:8]}"
    sm.create_secret(Name=name, SecretString=json.dumps({"password": "pw"}))
    ref = f"/aws/reference/secretsmanager/{name}"
    got = ssm.get_parameter(Name=ref, WithDecryption=True)["Parameter"]
    assert json.loads(got["Value"]) == {"password": "pw"}
    assert got["Type"] == "SecureString"
    code, _ = _error(ssm.get_parameter, Name=ref)
    assert code == "ValidationException"
    code, _ = _error(
        ssm.get_parameter, Name="/aws/reference/secretsmanager/nope", WithDecryption=True
    )
    assert code == "ParameterNotFound"


def test_cli_put_get(aws, root):
    aws("ssm", "put-parameter", "--name", f"{root}/cli", "--value", "hello", "--type", "String")
    out = json.loads(aws("ssm", "get-parameter", "--name", f"{root}/cli").stdout)
    assert out["Parameter"]["Value"] == "hello"
