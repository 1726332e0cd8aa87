"""Pattern 2: only objects with the user metadata `original: true` are processed.

The function overwrites the object under the same key without that metadata. S3 calls the
function again for the overwrite, and that second call sees no flag and exits.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        try:
            bucket = record["s3"]["bucket"]["name"]
            key = unquote_plus(record["s3"]["object"]["key"])  # URL-encoded in the event

            data = s3.head_object(Bucket=bucket, Key=key)
            if data["Metadata"].get("original") != "true":
                print(f"Exiting - this is not the original object. {key}")
                continue

            # Do work ... (here: upper-case the text, written back without the flag)
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            s3.put_object(Bucket=bucket, Key=key, Body=body.upper())
            print(f"processed {key}")
        except Exception as err:
            print(f"ERROR {err!r}")
