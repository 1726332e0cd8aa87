#!/usr/bin/env python3
"""Deploy the difference checker: a versioned bucket that calls a function for each new .txt.

    strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/s3-difference-checker/deploy.py

Plain boto3: without AWS_ENDPOINT_URL it deploys to AWS (pass a globally unique --bucket).
Rerunning it updates what is there.
"""

from __future__ import annotations

import argparse
import os
import sys

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from lambda_deploy import (  # noqa: E402
    allow_invoke,
    deploy_function,
    ensure_bucket,
    execution_role,
    folder_zip,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="s3-difference-checker", help="function name")
    parser.add_argument("--bucket", help="the versioned source bucket (default: <name>-source)")
    parser.add_argument("--keep-versions", type=int, default=3, help="versions to keep per key")
    parser.add_argument("--role-arn", help="an existing execution role to use")
    args = parser.parse_args()
    bucket = args.bucket or f"{args.name}-source"
    session = boto3.Session()
    s3 = session.client("s3")
    lam = session.client("lambda")

    ensure_bucket(s3, bucket, versioned=True)
    # The post's three permissions: read objects, list versions, delete versions.
    role = args.role_arn or execution_role(
        session,
        f"{args.name}-role",
        [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            },
            {
                "Sid": "VersionsPermission",
                "Effect": "Allow",
                "Action": "s3:ListBucketVersions",
                "Resource": f"arn:aws:s3:::{bucket}",
            },
            {
                "Sid": "DeletePermission",
                "Effect": "Allow",
                "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                "Resource": f"arn:aws:s3:::{bucket}/*",
            },
        ],
    )
    arn = deploy_function(
        lam,
        args.name,
        folder_zip(os.path.join(HERE, "function")),
        Runtime="python3.12",
        Handler="app.handler",
        Role=role,
        MemorySize=128,
        Timeout=30,
        Description="Difference checker: diffs the newest two versions of each .txt object",
        Environment={"Variables": {"KEEP_VERSIONS": str(args.keep_versions)}},
    )
    allow_invoke(lam, args.name, "s3-file-upload", "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    # The post's event: s3:ObjectCreated:* for keys ending in .txt only.
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "Id": "FileUpload",
                    "LambdaFunctionArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".txt"}]}},
                }
            ]
        },
    )
    print(f"s3://{bucket} notifies {args.name} of new .txt objects")
    print("try it (upload a few times, changing the file in between):")
    print(f"  aws s3 cp sample.txt s3://{bucket}/sample.txt")
    print(f"  aws logs tail /aws/lambda/{args.name}")


if __name__ == "__main__":
    main()
