#!/usr/bin/env python3
"""Deploy one pattern of the recursive-invocation example: a bucket that calls a function.

    strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/recursive-invocation/deploy.py --pattern prefix-filter

Patterns: prefix-filter, metadata-check, dynamodb-dedupe (three safe ways to write back to
the source bucket) and unguarded-loop (the loop they avoid; Lambda stops it).
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

PATTERNS = ("prefix-filter", "metadata-check", "dynamodb-dedupe", "unguarded-loop")
# The notification's key filter per pattern (the post's pattern 1 filters on both).
FILTERS = {
    "prefix-filter": [
        {"Name": "prefix", "Value": "original/"},
        {"Name": "suffix", "Value": ".txt"},
    ],
}


def notify(s3, bucket: str, function_arn: str, rules: list[dict]) -> None:
    config = {
        "Id": "FileUpload",
        "LambdaFunctionArn": function_arn,
        "Events": ["s3:ObjectCreated:*"],
    }
    if rules:
        config["Filter"] = {"Key": {"FilterRules": rules}}
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": [config]}
    )
    print(f"s3://{bucket} notifies {function_arn.rsplit(':', 1)[-1]} of new objects {rules or ''}")


def dedupe_table(ddb, table: str) -> str:
    """The post's table: key ID, TTL on TimeToLive, a NEW_IMAGE stream; returns the stream ARN."""
    try:
        described = ddb.describe_table(TableName=table)["Table"]
        print(f"table {table} already exists")
    except ddb.exceptions.ResourceNotFoundException:
        ddb.create_table(
            TableName=table,
            AttributeDefinitions=[{"AttributeName": "ID", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "ID", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        ddb.get_waiter("table_exists").wait(TableName=table)
        ddb.update_time_to_live(
            TableName=table,
            TimeToLiveSpecification={"AttributeName": "TimeToLive", "Enabled": True},
        )
        described = ddb.describe_table(TableName=table)["Table"]
        print(f"created table {table} (stream NEW_IMAGE, TTL on TimeToLive)")
    return described["LatestStreamArn"]


def stream_mapping(lam, function: str, stream_arn: str) -> None:
    existing = lam.list_event_source_mappings(FunctionName=function, EventSourceArn=stream_arn)
    if existing["EventSourceMappings"]:
        print(f"{function} already reads {stream_arn}")
        return
    lam.create_event_source_mapping(
        FunctionName=function,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=10,
    )
    print(f"{function} reads {stream_arn}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pattern", choices=PATTERNS, required=True)
    parser.add_argument("--name", help="function name, or name prefix (default: the pattern)")
    parser.add_argument("--bucket", help="the source bucket (default: <name>-bucket)")
    parser.add_argument("--role-arn", help="an existing execution role to use")
    args = parser.parse_args()
    name = args.name or args.pattern
    bucket = args.bucket or f"{name}-bucket"
    session = boto3.Session()
    s3 = session.client("s3")
    lam = session.client("lambda")
    ensure_bucket(s3, bucket)

    objects = [f"arn:aws:s3:::{bucket}/*"]
    s3_access = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": objects}
    common = {"Runtime": "python3.12", "Handler": "app.handler", "Timeout": 30, "MemorySize": 128}
    source = os.path.join(HERE, "patterns", args.pattern)

    if args.pattern != "dynamodb-dedupe":
        role = args.role_arn or execution_role(session, f"{name}-role", [s3_access])
        env = {"Variables": {"DestinationBucketName": bucket}}
        arn = deploy_function(
            lam,
            name,
            folder_zip(source),
            Role=role,
            Environment=env,
            Description=f"Recursive invocation with S3: {args.pattern}",
            **common,
        )
        allow_invoke(lam, name, "s3-file-upload", "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
        notify(s3, bucket, arn, FILTERS.get(args.pattern, []))
    else:
        ddb = session.client("dynamodb")
        table = f"{name}-keys"
        stream_arn = dedupe_table(ddb, table)
        table_arn = stream_arn.split("/stream/")[0]
        role = args.role_arn or execution_role(
            session,
            f"{name}-role",
            [
                s3_access,
                {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": table_arn},
                {
                    "Effect": "Allow",
                    "Action": [
                        "dynamodb:DescribeStream",
                        "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator",
                        "dynamodb:ListStreams",
                    ],
                    "Resource": stream_arn,
                },
            ],
        )
        recorder = deploy_function(
            lam,
            f"{name}-recorder",
            folder_zip(os.path.join(source, "recorder")),
            Role=role,
            Environment={"Variables": {"DDBtable": table}},
            Description="Recursive invocation with S3: records uploaded keys in DynamoDB",
            **common,
        )
        deploy_function(
            lam,
            f"{name}-processor",
            folder_zip(os.path.join(source, "processor")),
            Role=role,
            Description="Recursive invocation with S3: processes newly recorded keys",
            **common,
        )
        stream_mapping(lam, f"{name}-processor", stream_arn)
        allow_invoke(
            lam, f"{name}-recorder", "s3-file-upload", "s3.amazonaws.com", f"arn:aws:s3:::{bucket}"
        )
        notify(s3, bucket, recorder, [])

    key = "original/sample.txt" if args.pattern == "prefix-filter" else "sample.txt"
    metadata = " --metadata original=true" if args.pattern == "metadata-check" else ""
    print("try it:")
    print(f"  aws s3 cp sample.txt s3://{bucket}/{key}{metadata}")
    print(f"  aws s3 ls s3://{bucket} --recursive")


if __name__ == "__main__":
    main()
