"""The anti-pattern: every new object makes the function write to the same bucket, unguarded.

Each write fires the notification again: S3 -> function -> S3 -> ... Lambda sees the chain
(its depth travels in the X-Amzn-Trace-Id header of each write) and stops it after about 16
invocations.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        # Append a line and write the object back: a new object, a new event, a new call.
        s3.put_object(Bucket=bucket, Key=key, Body=f"{body}processed by {context.aws_request_id}\n")
        print(f"rewrote {key} ({body.count(chr(10)) + 1} lines)")
