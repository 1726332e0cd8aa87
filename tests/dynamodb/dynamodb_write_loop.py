"""Writer for the DynamoDB durability test: PutItem and UpdateItem until the server dies.

Usage: dynamodb_write_loop.py ENDPOINT TABLE LOGFILE
Each line is "attempt PK G V" before the write and "ack PK G V" once DynamoDB acknowledged
it. Even steps put a new item; odd steps move an earlier item to another GSI key.
"""

import os
import random
import sys

import boto3
from botocore.config import Config

endpoint, table, log_path = sys.argv[1:4]
ddb = boto3.client(
    "dynamodb",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="test",
    aws_secret_access_key="test",
    config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
)
rng = random.Random(int.from_bytes(os.urandom(4), "big"))
written: list[str] = []
with open(log_path, "a", buffering=1) as log:
    for i in range(1_000_000):
        if i % 2 == 0 or not written:
            pk, g = f"item-{i:07d}", f"g{rng.randrange(5)}"
        else:
            pk, g = rng.choice(written), f"g{rng.randrange(5)}"
        log.write(f"attempt {pk} {g} {i}\n")
        log.flush()
        os.fsync(log.fileno())
        try:
            if pk not in written:
                ddb.put_item(
                    TableName=table,
                    Item={
                        "pk": {"S": pk},
                        "g": {"S": g},
                        "v": {"N": str(i)},
                        "pad": {"S": "x" * rng.randrange(2000)},
                    },
                )
                written.append(pk)
            else:
                ddb.update_item(
                    TableName=table,
                    Key={"pk": {"S": pk}},
                    UpdateExpression="SET g = :g, v = :v",
                    ExpressionAttributeValues={":g": {"S": g}, ":v": {"N": str(i)}},
                )
        except Exception as e:  # the server was killed: stop writing
            log.write(f"error {pk} {type(e).__name__}\n")
            break
        log.write(f"ack {pk} {g} {i}\n")
        log.flush()
        os.fsync(log.fileno())
