"""RotateSecret runs a real rotation function through the four steps, as AWS does."""

from __future__ import annotations

import io
import uuid
import zipfile

ROTATOR = """
import boto3

sm = boto3.client("secretsmanager")


def handler(event, context):
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    versions = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    if "AWSPENDING" not in versions.get(token, []) and "AWSCURRENT" not in versions.get(token, []):
        raise ValueError("version %s is not pending" % token)
    if step == "createSecret":
        try:
            sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        except sm.exceptions.ResourceNotFoundException:
            current = sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"]
            sm.put_secret_value(SecretId=arn, ClientRequestToken=token,
                                SecretString=current + "-rotated", VersionStages=["AWSPENDING"])
    elif step == "finishSecret":
        current = next(v for v, s in versions.items() if "AWSCURRENT" in s)
        if current != token:
            sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT",
                                           MoveToVersionId=token, RemoveFromVersionId=current)
"""


def _zip(source: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", source)
    return buf.getvalue()


def test_rotation_function_runs_every_step(client_factory):
    lam = client_factory("lambda", read_timeout=120)
    sm = client_factory("secretsmanager", read_timeout=120)
    fn = f"rotator-{uuid.uuid4().hex[:8]}"
    arn = lam.create_function(
        FunctionName=fn,
        Runtime="python3.12",
        Role="arn:aws:iam::000000000000:role/lambda-role",
        Handler="app.handler",
        Code={"ZipFile": _zip(ROTATOR)},
        Timeout=60,
    )["FunctionArn"]
    try:
        name = f"rotated-{uuid.uuid4().hex[:8]}"
        first = sm.create_secret(Name=name, SecretString="pw")["VersionId"]
        out = sm.rotate_secret(
            SecretId=name, RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 30}
        )
        got = sm.get_secret_value(SecretId=name)
        assert got["SecretString"] == "pw-rotated"
        assert got["VersionId"] == out["VersionId"]
        described = sm.describe_secret(SecretId=name)
        assert described["RotationEnabled"] is True
        assert described["RotationLambdaARN"] == arn
        assert described["RotationRules"]["AutomaticallyAfterDays"] == 30
        assert "LastRotatedDate" in described
        assert described["VersionIdsToStages"] == {
            out["VersionId"]: ["AWSCURRENT"],
            first: ["AWSPREVIOUS"],
        }
    finally:
        lam.delete_function(FunctionName=fn)
