#!/usr/bin/env python3
"""Deploy the secrets-wrapper example: a secret, two wrapper layers, and the post's function.

    strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/secrets-wrapper/deploy.py

Plain boto3: without AWS_ENDPOINT_URL it deploys to AWS. Rerunning the script publishes new
layer versions and updates the function; it leaves an existing secret as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from lambda_deploy import deploy_function, execution_role, folder_zip  # noqa: E402

# The post's example secret. Its AWS_LAMBDA_EXEC_WRAPPER chains to the second layer's wrapper.
EXAMPLE_SECRET = {
    "EXAMPLE_CONNECTION_TOKEN": "EXAMPLE AUTH TOKEN",
    "EXAMPLE_CLUSTER_ID": "EXAMPLE CLUSTER ID",
    "EXAMPLE_CONNECTION_URL": "EXAMPLE CONNECTION URL",
    "EXAMPLE_TENANT": "EXAMPLE TENANT",
    "AWS_LAMBDA_EXEC_WRAPPER": "/opt/second-wrapper",
}


def ensure_secret(sm, name: str) -> str:
    """The secret in Secrets Manager: created once with the post's values, then left alone."""
    try:
        arn = sm.describe_secret(SecretId=name)["ARN"]
        print(f"secret {arn} already exists (left as it is)")
        return arn
    except sm.exceptions.ResourceNotFoundException:
        pass
    arn = sm.create_secret(
        Name=name,
        Description="Environment variables for the secrets-wrapper example",
        SecretString=json.dumps(EXAMPLE_SECRET),
    )["ARN"]
    print(f"created secret {arn}")
    return arn


def publish_layer(lam, name: str, folder: str) -> str:
    arn = lam.publish_layer_version(
        LayerName=name,
        Description="exec wrapper layer of the secrets-wrapper example",
        Content={"ZipFile": folder_zip(os.path.join(HERE, "layers", folder))},
        CompatibleRuntimes=["python3.11", "python3.12", "python3.13"],
    )["LayerVersionArn"]
    print(f"published layer {arn}")
    return arn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="example-get-secrets-lambda", help="function name")
    parser.add_argument("--secret", help="name of the secret (default: <name>-secret)")
    parser.add_argument("--role-arn", help="an existing execution role to use")
    args = parser.parse_args()
    session = boto3.Session()
    lam = session.client("lambda")

    secret_arn = ensure_secret(
        session.client("secretsmanager"), args.secret or f"{args.name}-secret"
    )
    layers = [
        publish_layer(lam, "get-secrets-layer", "get-secrets"),
        publish_layer(lam, "second-example-layer", "second-layer"),
    ]
    role = args.role_arn or execution_role(
        session,
        f"{args.name}-role",
        [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret_arn}],
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
            "Variables": {
                "AWS_LAMBDA_EXEC_WRAPPER": "/opt/secrets-wrapper",
                "SECRET_ID": secret_arn,
            }
        },
    )
    print("try it:")
    print(f"  aws lambda invoke --function-name {args.name} out.json && cat out.json")


if __name__ == "__main__":
    main()
