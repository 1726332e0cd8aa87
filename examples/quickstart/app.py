"""A small document store on S3: versioned uploads, history, presigned sharing.

It is plain boto3 code, the same as it would run against AWS; it reaches Strato
because AWS_ENDPOINT_URL points there.
"""

from __future__ import annotations

import urllib.request
import uuid

import boto3

s3 = boto3.client("s3")
bucket = f"quickstart-docs-{uuid.uuid4().hex[:8]}"

s3.create_bucket(Bucket=bucket)
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
print(f"created versioned bucket {bucket}")

for draft in ("first draft", "second draft", "final text"):
    r = s3.put_object(
        Bucket=bucket, Key="notes/plan.txt", Body=draft.encode(), ContentType="text/plain"
    )
    print(f"saved notes/plan.txt version {r['VersionId']}")

versions = s3.list_object_versions(Bucket=bucket, Prefix="notes/")["Versions"]
print(f"history of notes/plan.txt: {len(versions)} versions")
oldest = versions[-1]["VersionId"]
first = s3.get_object(Bucket=bucket, Key="notes/plan.txt", VersionId=oldest)["Body"].read().decode()
print(f"oldest version says: {first!r}")

url = s3.generate_presigned_url(
    "get_object", Params={"Bucket": bucket, "Key": "notes/plan.txt"}, ExpiresIn=300
)
with urllib.request.urlopen(url) as r:
    print(f"presigned link serves: {r.read().decode()!r}")

s3.delete_object(Bucket=bucket, Key="notes/plan.txt")
listed = s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0)
print(f"after delete: {listed} current objects, history kept behind a delete marker")
