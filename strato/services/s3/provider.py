"""The S3 provider: every S3 operation Strato implements, one method each, composed by area."""

from __future__ import annotations

from .access import S3Access
from .bucket_config import BucketConfigOperations
from .buckets import BucketOperations
from .listing import ListingOperations
from .multipart import MultipartOperations


class S3Provider(
    S3Access, BucketOperations, BucketConfigOperations, ListingOperations, MultipartOperations
):
    """Buckets, bucket configurations, listings, objects and multipart uploads."""
