#!/usr/bin/env python3
"""Deploy the GraphQL monitoring example: a graphlet function with reserved concurrency.

    strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/graphql-monitoring/deploy.py

Plain boto3: without AWS_ENDPOINT_URL it deploys to AWS. Rerunning it updates the function.
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
# A short timeout, as a graphlet behind a gateway has; the function stops its resolvers
# RESOLVER_TIMEOUT_MARGIN_MS before it, so callers get a partial answer, not a Lambda error.
TIMEOUT_S = 3
TIMEOUT_MARGIN_MS = 1000


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
    if statements:
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
    parser.add_argument("--name", default="catalog-graphlet", help="function name")
    parser.add_argument(
        "--memory", type=int, default=1024, help="MemorySize in MB (more memory, more CPU)"
    )
    parser.add_argument(
        "--reserved-concurrency",
        type=int,
        default=10,
        help="ReservedConcurrentExecutions: the most environments this function may use",
    )
    parser.add_argument("--role-arn", help="an existing execution role to use")
    args = parser.parse_args()
    session = boto3.Session()
    lam = session.client("lambda")

    role = args.role_arn or execution_role(session, f"{args.name}-role", [])
    deploy_function(
        lam,
        args.name,
        folder_zip(os.path.join(HERE, "function")),
        Runtime="python3.12",
        Handler="app.handler",
        Role=role,
        MemorySize=args.memory,
        Timeout=TIMEOUT_S,
        Description="GraphQL graphlet: JSON logs with request ids, EMF metrics, in-code timeout",
        Environment={"Variables": {"RESOLVER_TIMEOUT_MARGIN_MS": str(TIMEOUT_MARGIN_MS)}},
    )
    lam.put_function_concurrency(
        FunctionName=args.name, ReservedConcurrentExecutions=args.reserved_concurrency
    )
    print(f"reserved concurrency of {args.name}: {args.reserved_concurrency}")
    print("try it:")
    print(
        f"  aws lambda invoke --function-name {args.name} --cli-binary-format raw-in-base64-out "
        """--payload '{"query": "{ product(id: \\"1\\") { name price } }", """
        """"headers": {"x-correlation-id": "demo-1"}}' out.json"""
    )


if __name__ == "__main__":
    main()
