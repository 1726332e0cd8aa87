"""STS through boto3: caller identity, and temporary credentials that work against Strato."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def _session_client(endpoint: str, service: str, creds: dict, token: str | None = "same"):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"] if token == "same" else token,
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_caller_identity_of_root_key(client_factory):
    ident = client_factory("sts").get_caller_identity()
    assert ident["Account"] == "000000000000"
    assert ident["Arn"] == "arn:aws:iam::000000000000:root"
    assert ident["UserId"] == "000000000000"


def test_assume_role_cross_account_credentials_work(client_factory, endpoint, strato):
    strato.add_account("AKIASTSTESTOTHER0001", "other-secret", "222233334444")
    sts = client_factory("sts")
    out = sts.assume_role(
        RoleArn="arn:aws:iam::222233334444:role/deploy/Builder", RoleSessionName="ci-run"
    )
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::222233334444:assumed-role/Builder/ci-run"
    assert out["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert out["AssumedRoleUser"]["AssumedRoleId"].endswith(":ci-run")

    as_role = _session_client(endpoint, "sts", creds)
    ident = as_role.get_caller_identity()
    assert ident["Account"] == "222233334444"
    assert ident["Arn"] == out["AssumedRoleUser"]["Arn"]
    assert ident["UserId"] == out["AssumedRoleUser"]["AssumedRoleId"]

    # Resources made with the role's credentials live in the role's account.
    s3 = _session_client(endpoint, "s3", creds)
    name = f"sts-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"v")
    assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"v"
    logs = _session_client(endpoint, "logs", creds)
    logs.create_log_group(logGroupName=f"/sts/{name}")
    arn = logs.describe_log_groups(logGroupNamePrefix=f"/sts/{name}")["logGroups"][0]["arn"]
    assert ":222233334444:" in arn


def test_access_key_info_names_the_account(client_factory):
    sts = client_factory("sts")
    creds = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/R", RoleSessionName="s1")[
        "Credentials"
    ]
    assert sts.get_access_key_info(AccessKeyId=creds["AccessKeyId"])["Account"] == "123456789012"
    assert sts.get_access_key_info(AccessKeyId="ASIAY34FZKBOKMUTVV7A")["Account"] == "609629065308"


def test_wrong_or_missing_session_token_is_rejected(client_factory, endpoint):
    creds = client_factory("sts").assume_role(
        RoleArn="arn:aws:iam::000000000000:role/R", RoleSessionName="s1"
    )["Credentials"]
    for token in ("not-the-token", None):
        with pytest.raises(ClientError) as err:
            _session_client(endpoint, "sts", creds, token=token).get_caller_identity()
        assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as err:
        _session_client(endpoint, "s3", creds, token="bad").list_buckets()
    assert err.value.response["Error"]["Code"] == "InvalidToken"


def test_expired_credentials_answer_expired_token(client_factory, endpoint, strato):
    creds = client_factory("sts").assume_role(
        RoleArn="arn:aws:iam::000000000000:role/Short",
        RoleSessionName="s1",
        DurationSeconds=900,
    )["Credentials"]
    sts = _session_client(endpoint, "sts", creds)
    assert sts.get_caller_identity()["Arn"].endswith("assumed-role/Short/s1")
    strato.advance_clock(901)
    with pytest.raises(ClientError) as err:
        sts.get_caller_identity()
    assert err.value.response["Error"]["Code"] == "ExpiredToken"
    with pytest.raises(ClientError) as err:
        _session_client(endpoint, "logs", creds).describe_log_groups()
    assert err.value.response["Error"]["Code"] == "ExpiredTokenException"
    with pytest.raises(ClientError) as err:
        _session_client(endpoint, "s3", creds).list_buckets()
    assert err.value.response["Error"]["Code"] == "ExpiredToken"
    assert err.value.response["Error"]["Message"] == "The provided token has expired."


def test_duration_limits(client_factory):
    sts = client_factory("sts", parameter_validation=False)
    for seconds in (899, 43201):
        with pytest.raises(ClientError) as err:
            sts.assume_role(
                RoleArn="arn:aws:iam::000000000000:role/R",
                RoleSessionName="s1",
                DurationSeconds=seconds,
            )
        assert err.value.response["Error"]["Code"] == "ValidationError"
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn="not-an-arn", RoleSessionName="s1")
    assert err.value.response["Error"]["Code"] == "ValidationError"


def test_session_token_keeps_the_callers_identity(client_factory, endpoint):
    sts = client_factory("sts")
    out = sts.get_session_token(DurationSeconds=900)["Credentials"]
    ident = _session_client(endpoint, "sts", out).get_caller_identity()
    assert ident["Arn"] == "arn:aws:iam::000000000000:root"
    with pytest.raises(ClientError) as err:
        _session_client(endpoint, "sts", out).get_session_token()
    assert err.value.response["Error"]["Code"] == "AccessDenied"


def test_assume_role_with_web_identity_is_unsigned_and_works(client_factory, endpoint):
    from botocore import UNSIGNED

    sts = boto3.client(
        "sts",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED),
    )
    out = sts.assume_role_with_web_identity(
        RoleArn="arn:aws:iam::000000000000:role/gh-actions",
        RoleSessionName="gha",
        WebIdentityToken="eyJhbGciOi.any.token",
    )
    ident = _session_client(endpoint, "sts", out["Credentials"]).get_caller_identity()
    assert ident["Arn"] == "arn:aws:sts::000000000000:assumed-role/gh-actions/gha"


def test_credentials_survive_restart(tmp_path):
    from strato_server import StratoProcess

    server = StratoProcess(str(tmp_path / "state")).start()
    try:
        sts = boto3.client(
            "sts",
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        creds = sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/R", RoleSessionName="s1")[
            "Credentials"
        ]
        server.stop()
        server.start()
        ident = _session_client(server.endpoint, "sts", creds).get_caller_identity()
        assert ident["Arn"].endswith("assumed-role/R/s1")
    finally:
        server.stop()


def test_cli_get_caller_identity(aws):
    out = json.loads(aws("sts", "get-caller-identity", "--output", "json").stdout)
    assert out["Account"] == "000000000000"
