"""Pattern 3, second function: the table's stream calls it for each newly recorded key.

It processes the original object and writes the result back under the same key.
"""

from __future__ import annotations

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        if record["eventName"] != "INSERT":
            continue  # TTL deletions and updates carry nothing to process
        image = record["dynamodb"]["NewImage"]
        bucket, key = image["Bucket"]["S"], image["ID"]["S"]
        # Do work ... (here: upper-case the text)
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        s3.put_object(Bucket=bucket, Key=key, Body=body.upper())
        print(f"processed {key}")
