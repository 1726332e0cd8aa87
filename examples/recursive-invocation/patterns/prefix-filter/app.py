"""Pattern 1: the notification matches only `original/*.txt`; the output key drops `original/`.

The function writes back to the same bucket, but its output key does not match the
notification's prefix filter, so S3 does not call the function again.
"""

from __future__ import annotations

import os
from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")
PREFIX = "original/"


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        # Do work ... (here: upper-case the text)
        out_key = key.removeprefix(PREFIX)
        s3.put_object(Bucket=os.environ["DestinationBucketName"], Key=out_key, Body=body.upper())
        print(f"processed {key} -> {out_key}")
