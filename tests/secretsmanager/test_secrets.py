"""Secrets Manager through boto3: secrets, versions, staging labels, deletion, listing, policies."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def sm(client_factory):
    return client_factory("secretsmanager")


def _name() -> str:
    return f"app/db-{uuid.uuid4().hex[:8]}"


def _error(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as err:
        call(*args, **kwargs)
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def test_get_by_name_full_and_partial_arn(sm):
    name = _name()
    created = sm.create_secret(Name=name, SecretString="s3cret", KmsKeyId="alias/mine")
    arn = created["ARN"]
    assert arn.startswith(f"arn:aws:secretsmanager:us-east-1:000000000000:secret:{name}-")
    assert len(arn) - len(arn.rsplit("-", 1)[0]) == 7
    for secret_id in (name, arn, arn.rsplit("-", 1)[0]):
        got = sm.get_secret_value(SecretId=secret_id)
        assert got["SecretString"] == "s3cret" and got["VersionStages"] == ["AWSCURRENT"]
    assert sm.describe_secret(SecretId=name)["KmsKeyId"] == "alias/mine"
    code, msg = _error(sm.get_secret_value, SecretId=arn[:-1] + ("x" if arn[-1] != "x" else "y"))
    assert (code, msg) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
    )
    code, _ = _error(sm.create_secret, Name=name, SecretString="again")
    assert code == "ResourceExistsException"


def test_versions_and_staging_labels(sm):
    name = _name()
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two")["VersionId"]
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == "one"
    assert sm.get_secret_value(SecretId=name, VersionId=v1)["SecretString"] == "one"
    v3 = sm.put_secret_value(SecretId=name, SecretBinary=b"\x00\x01three")["VersionId"]
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    assert stages == {v3: ["AWSCURRENT"], v2: ["AWSPREVIOUS"]}
    assert sm.get_secret_value(SecretId=name)["SecretBinary"] == b"\x00\x01three"
    listed = sm.list_secret_version_ids(SecretId=name)["Versions"]
    assert {v["VersionId"] for v in listed} == {v2, v3}
    all_ids = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
    assert {v["VersionId"] for v in all_ids} == {v1, v2, v3}
    # A pending version does not disturb AWSCURRENT.
    pending = sm.put_secret_value(SecretId=name, SecretString="four", VersionStages=["AWSPENDING"])[
        "VersionId"
    ]
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPENDING")["SecretString"] == "four"
    code, msg = _error(
        sm.update_secret_version_stage,
        SecretId=name,
        VersionStage="AWSCURRENT",
        MoveToVersionId=pending,
    )
    assert code == "InvalidParameterException" and v3 in msg
    sm.update_secret_version_stage(
        SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=pending, RemoveFromVersionId=v3
    )
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    assert stages[pending] == ["AWSPENDING", "AWSCURRENT"] and stages[v3] == ["AWSPREVIOUS"]
    code, msg = _error(sm.get_secret_value, SecretId=name, VersionStage="NOPE")
    assert code == "ResourceNotFoundException" and "NOPE" in msg


def test_client_request_token_is_idempotent(sm):
    name, token = _name(), str(uuid.uuid4())
    first = sm.create_secret(Name=name, SecretString="x", ClientRequestToken=token)
    again = sm.create_secret(Name=name, SecretString="x", ClientRequestToken=token)
    assert first["ARN"] == again["ARN"] and again["VersionId"] == token
    sm.put_secret_value(SecretId=name, SecretString="y", ClientRequestToken=token + "b")
    sm.put_secret_value(SecretId=name, SecretString="y", ClientRequestToken=token + "b")
    code, _ = _error(
        sm.put_secret_value, SecretId=name, SecretString="z", ClientRequestToken=token + "b"
    )
    assert code == "ResourceExistsException"
    code, _ = _error(sm.create_secret, Name=_name(), SecretString="a", SecretBinary=b"b")
    assert code == "InvalidParameterException"


def test_update_secret_makes_a_new_current_version(sm):
    name = _name()
    sm.create_secret(Name=name, SecretString="a", Description="old")
    out = sm.update_secret(SecretId=name, SecretString="b", Description="new")
    assert sm.get_secret_value(SecretId=name)["VersionId"] == out["VersionId"]
    assert sm.describe_secret(SecretId=name)["Description"] == "new"


def test_delete_restore_and_force_delete(sm, strato):
    name = _name()
    sm.create_secret(Name=name, SecretString="a")
    for window in (6, 31):
        code, _ = _error(sm.delete_secret, SecretId=name, RecoveryWindowInDays=window)
        assert code == "InvalidParameterException"
    out = sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    assert out["Name"] == name
    code, msg = _error(sm.get_secret_value, SecretId=name)
    assert code == "InvalidRequestException"
    assert (
        msg == "You can't perform this operation on the secret because it was marked for deletion."
    )
    assert "DeletedDate" in sm.describe_secret(SecretId=name)
    names = [
        s["Name"]
        for s in sm.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"]
    ]
    assert names == []
    planned = sm.list_secrets(
        IncludePlannedDeletion=True, Filters=[{"Key": "name", "Values": [name]}]
    )
    assert [s["Name"] for s in planned["SecretList"]] == [name]
    sm.restore_secret(SecretId=name)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "a"
    sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    code, _ = _error(sm.describe_secret, SecretId=name)
    assert code == "ResourceNotFoundException"
    # After the recovery window the secret is gone for good.
    other = _name()
    sm.create_secret(Name=other, SecretString="a")
    sm.delete_secret(SecretId=other, RecoveryWindowInDays=7)
    strato.advance_clock(7 * 86400 + 1)
    code, _ = _error(sm.describe_secret, SecretId=other)
    assert code == "ResourceNotFoundException"
    sm.create_secret(Name=other, SecretString="new life")


def test_list_filters_tags_and_pagination(sm):
    prefix = f"list-{uuid.uuid4().hex[:6]}"
    for i in range(5):
        sm.create_secret(
            Name=f"{prefix}/s{i}",
            SecretString="v",
            Tags=[{"Key": "team", "Value": "blue" if i % 2 else "red"}],
        )
    seen, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = sm.list_secrets(
            Filters=[{"Key": "name", "Values": [prefix]}], MaxResults=2, **kwargs
        )
        assert len(page["SecretList"]) <= 2
        seen += [s["Name"] for s in page["SecretList"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == [f"{prefix}/s{i}" for i in range(5)]
    blue = sm.list_secrets(
        Filters=[{"Key": "name", "Values": [prefix]}, {"Key": "tag-value", "Values": ["blue"]}]
    )["SecretList"]
    assert sorted(s["Name"] for s in blue) == [f"{prefix}/s1", f"{prefix}/s3"]
    sm.untag_resource(SecretId=f"{prefix}/s1", TagKeys=["team"])
    sm.tag_resource(SecretId=f"{prefix}/s1", Tags=[{"Key": "env", "Value": "prod"}])
    assert sm.describe_secret(SecretId=f"{prefix}/s1")["Tags"] == [{"Key": "env", "Value": "prod"}]


def test_batch_get_reports_missing_ids(sm):
    a, b = _name(), _name()
    sm.create_secret(Name=a, SecretString="A")
    sm.create_secret(Name=b, SecretString="B")
    out = sm.batch_get_secret_value(SecretIdList=[a, b, "missing-one"])
    assert {v["Name"]: v["SecretString"] for v in out["SecretValues"]} == {a: "A", b: "B"}
    assert out["Errors"][0]["SecretId"] == "missing-one"
    assert out["Errors"][0]["ErrorCode"] == "ResourceNotFoundException"


def test_resource_policy(sm):
    name = _name()
    sm.create_secret(Name=name, SecretString="a")
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    sm.put_resource_policy(SecretId=name, ResourcePolicy=policy)
    assert sm.get_resource_policy(SecretId=name)["ResourcePolicy"] == policy
    sm.delete_resource_policy(SecretId=name)
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=name)


def test_random_password(sm):
    pw = sm.get_random_password(PasswordLength=40, ExcludePunctuation=True)["RandomPassword"]
    assert len(pw) == 40 and pw.isalnum()
    assert any(c.isdigit() for c in pw) and any(c.isupper() for c in pw)
    pw = sm.get_random_password(PasswordLength=12, ExcludeCharacters="abcdefghijklmnopqrstuvwxyz")
    assert not any(c.islower() for c in pw["RandomPassword"])


def test_rotate_without_function_is_rejected(sm):
    name = _name()
    sm.create_secret(Name=name, SecretString="a")
    code, _ = _error(sm.rotate_secret, SecretId=name)
    assert code == "InvalidRequestException"


def test_cli_create_and_get(aws):
    name = _name()
    aws("secretsmanager", "create-secret", "--name", name, "--secret-string", "from-cli")
    out = json.loads(aws("secretsmanager", "get-secret-value", "--secret-id", name).stdout)
    assert out["SecretString"] == "from-cli"
