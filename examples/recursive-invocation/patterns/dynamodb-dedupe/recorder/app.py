"""Pattern 3, first function: record each uploaded key in DynamoDB, with a TTL.

Its stream calls the processor when the key is new. When the processor writes the object
back, S3 calls this function again. It puts the same item, and a put that changes nothing
writes no stream record, so the processor does not run again. After the TTL (next midnight)
the item expires and a new upload of the key is processed again.
"""

from __future__ import annotations

import datetime as dt
import os
from urllib.parse import unquote_plus

import boto3

dynamodb = boto3.client("dynamodb")


def next_midnight() -> int:
    """Epoch seconds of the next midnight (UTC); DynamoDB TTL reads epoch seconds."""
    today = dt.datetime.now(dt.UTC).date()
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return int(midnight.timestamp())


def handler(event, context):
    for record in event["Records"]:
        key = unquote_plus(record["s3"]["object"]["key"])
        dynamodb.put_item(
            TableName=os.environ["DDBtable"],
            Item={
                "ID": {"S": key},
                "Bucket": {"S": record["s3"]["bucket"]["name"]},
                "TimeToLive": {"N": str(next_midnight())},
            },
        )
        print(f"recorded {key}")
