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
import os
import sys

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from lambda_deploy import deploy_function, execution_role, folder_zip  # noqa: E402

# A short timeout, as a graphlet behind a gateway has; the function stops its resolvers
# RESOLVER_TIMEOUT_MARGIN_MS before it, so callers get a partial answer, not a Lambda error.
TIMEOUT_S = 3
TIMEOUT_MARGIN_MS = 1000


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
