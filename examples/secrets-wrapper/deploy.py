#!/usr/bin/env python3
"""Deploy the secrets-wrapper example: two wrapper layers, a secret, and the post's function.

    strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/secrets-wrapper/deploy.py

Plain boto3: without AWS_ENDPOINT_URL it deploys to AWS (pass a globally unique --bucket).
Strato does not host Secrets Manager yet, so the secret is a JSON object in S3 for now (see
fetch_secret in layers/get-secrets/get-secrets/secret_env.py). Rerunning the script publishes
new layer versions and updates the function; it leaves an existing secret as it is.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import time
import zipfile

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

HERE = os.path.dirname(os.path.abspath(__file__))
BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
# The post's example secret. Its AWS_LAMBDA_EXEC_WRAPPER chains to the second layer's wrapper.
EXAMPLE_SECRET = {
    "EXAMPLE_CONNECTION_TOKEN": "EXAMPLE AUTH TOKEN",
    "EXAMPLE_CLUSTER_ID": "EXAMPLE CLUSTER ID",
    "EXAMPLE_CONNECTION_URL": "EXAMPLE CONNECTION URL",
    "EXAMPLE_TENANT": "EXAMPLE TENANT",
    "AWS_LAMBDA_EXEC_WRAPPER": "/opt/second-wrapper",
}


def ensure_bucket(s3, bucket: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
        print(f"bucket {bucket} already exists")
        return
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
    region = s3.meta.region_name
    kwargs = {}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(Bucket=bucket, **kwargs)
    print(f"created bucket {bucket}")


def execution_role(session, role_name: str, statements: list[dict]) -> str:
    """The role the function runs as, created with IAM if it is missing.

    Strato does not host IAM yet and does not check roles; there a placeholder ARN stands in.
    """
    iam = session.client("iam")
    try:
        try:
            return iam.get_role(RoleName=role_name)["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            pass
        arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST))[
            "Role"
        ]["Arn"]
    except (ClientError, BotoCoreError, ResponseParserError) as e:
        if not os.environ.get("AWS_ENDPOINT_URL"):
            raise
        print(f"IAM is not available at {os.environ['AWS_ENDPOINT_URL']} ({type(e).__name__});")
        print("  using a placeholder role ARN (Strato does not check execution roles yet)")
        return f"arn:aws:iam::000000000000:role/{role_name}"
    iam.attach_role_policy(RoleName=role_name, PolicyArn=BASIC_EXECUTION)
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName="access",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    print(f"created role {arn}")
    return arn


def folder_zip(folder: str) -> bytes:
    """Zip a folder as Lambda unpacks it; scripts (#!) stay executable."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    content = f.read()
                info = zipfile.ZipInfo(
                    os.path.relpath(path, folder), date_time=(2024, 1, 1, 0, 0, 0)
                )
                info.external_attr = (0o755 if content.startswith(b"#!") else 0o644) << 16
                zf.writestr(info, content)
    return buf.getvalue()


def ensure_secret(s3, bucket: str, key: str) -> str:
    """The stand-in secret: created once with the post's values, then left alone."""
    secret_id = f"s3://{bucket}/{key}"
    try:
        s3.head_object(Bucket=bucket, Key=key)
        print(f"secret {secret_id} already exists (left as it is)")
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("404", "NoSuchKey"):
            raise
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(EXAMPLE_SECRET, indent=2).encode())
        print(f"created secret {secret_id} (stand-in for Secrets Manager)")
    return secret_id


def publish_layer(lam, name: str, folder: str) -> str:
    arn = lam.publish_layer_version(
        LayerName=name,
        Description="exec wrapper layer of the secrets-wrapper example",
        Content={"ZipFile": folder_zip(os.path.join(HERE, "layers", folder))},
        CompatibleRuntimes=["python3.11", "python3.12", "python3.13"],
    )["LayerVersionArn"]
    print(f"published layer {arn}")
    return arn


def deploy_function(lam, name: str, code: bytes, **config) -> str:
    """Create the function, or bring an existing one up to date; returns its ARN."""
    try:
        lam.get_function(FunctionName=name)
    except lam.exceptions.ResourceNotFoundException:
        for attempt in range(10):
            try:
                arn = lam.create_function(FunctionName=name, Code={"ZipFile": code}, **config)[
                    "FunctionArn"
                ]
                break
            except lam.exceptions.InvalidParameterValueException as e:
                # On AWS a role created seconds ago may not be assumable yet.
                if "cannot be assumed" not in str(e) or attempt == 9:
                    raise
                time.sleep(3)
        lam.get_waiter("function_active_v2").wait(FunctionName=name)
        print(f"created function {name}")
        return arn
    lam.update_function_code(FunctionName=name, ZipFile=code)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    arn = lam.update_function_configuration(FunctionName=name, **config)["FunctionArn"]
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    print(f"updated function {name}")
    return arn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="example-get-secrets-lambda", help="function name")
    parser.add_argument("--bucket", help="bucket of the stand-in secret (default: <name>-secrets)")
    parser.add_argument("--role-arn", help="an existing execution role to use")
    args = parser.parse_args()
    bucket = args.bucket or f"{args.name}-secrets"
    key = f"secrets/{args.name}.json"
    session = boto3.Session()
    s3 = session.client("s3")
    lam = session.client("lambda")

    ensure_bucket(s3, bucket)
    secret_id = ensure_secret(s3, bucket, key)
    layers = [
        publish_layer(lam, "get-secrets-layer", "get-secrets"),
        publish_layer(lam, "second-example-layer", "second-layer"),
    ]
    role = args.role_arn or execution_role(
        session,
        f"{args.name}-role",
        [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/{key}"}],
    )
    deploy_function(
        lam,
        args.name,
        folder_zip(os.path.join(HERE, "function")),
        Runtime="python3.12",
        Handler="app.lambda_handler",
        Role=role,
        Timeout=30,
        Layers=layers,
        Description="Environment variables from a secret, set by an exec wrapper layer",
        Environment={
            "Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/secrets-wrapper", "SECRET_ID": secret_id}
        },
    )
    print("try it:")
    print(f"  aws lambda invoke --function-name {args.name} out.json && cat out.json")


if __name__ == "__main__":
    main()
