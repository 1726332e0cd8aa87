"""S3 fixtures: buckets in each versioning state and unique names."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def unique_name():
    def make(prefix: str = "t") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:16]}"

    return make


@pytest.fixture
def versioned_bucket(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket
