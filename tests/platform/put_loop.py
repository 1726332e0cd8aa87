"""Writer for the durability test: PUT objects until the server dies, logging what was acknowledged.

Usage: put_loop.py ENDPOINT BUCKET LOGFILE
Each line is "attempt KEY SHA256 SIZE" before the PUT and "ack KEY" once S3 acknowledged it.
"""

import hashlib
import os
import random
import sys

import boto3
from botocore.config import Config

endpoint, bucket, log_path = sys.argv[1:4]
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="test",
    aws_secret_access_key="test",
    config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
)
rng = random.Random(int.from_bytes(os.urandom(4), "big"))
sizes = [1, 1024, 64 * 1024, 1 << 20, 3 << 20, 9 << 20]
with open(log_path, "a", buffering=1) as log:
    for i in range(100000):
        key = f"obj-{i:06d}"
        body = os.urandom(rng.choice(sizes))
        log.write(f"attempt {key} {hashlib.sha256(body).hexdigest()} {len(body)}\n")
        log.flush()
        os.fsync(log.fileno())
        try:
            s3.put_object(Bucket=bucket, Key=key, Body=body)
        except Exception as e:  # the server was killed: stop writing
            log.write(f"error {key} {type(e).__name__}\n")
            break
        log.write(f"ack {key}\n")
        log.flush()
        os.fsync(log.fileno())
