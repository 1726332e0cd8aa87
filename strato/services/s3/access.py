"""Who may call an S3 operation on a bucket: the owner's account, or whoever its bucket policy allows."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...auth.policy import ALLOW, DENY, MalformedPolicy, Request, evaluate, parse
from ...protocol import ServiceError
from . import records

# Operations whose IAM action is not "s3:" + the operation name.
_ACTIONS = {
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "HeadObject": "GetObject",
    "CopyObject": "PutObject",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "UploadPartCopy": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "ListParts": "ListMultipartUploadParts",
    "ListMultipartUploads": "ListBucketMultipartUploads",
    "DeleteObjects": "DeleteObject",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetBucketCors": "GetBucketCORS",
    "PutBucketCors": "PutBucketCORS",
    "DeleteBucketCors": "PutBucketCORS",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketTagging": "PutBucketTagging",
    "GetObjectAttributes": "GetObjectAttributes",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
}
# With a VersionId these act on a version and need the *Version action.
_VERSIONED = {
    "GetObject",
    "HeadObject",
    "DeleteObject",
    "GetObjectTagging",
    "PutObjectTagging",
    "DeleteObjectTagging",
    "GetObjectAcl",
    "PutObjectAcl",
}
_POLICY_OPERATIONS = {"GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"}


def iam_action(operation: str, params: dict[str, Any]) -> str:
    name = _ACTIONS.get(operation, operation)
    if operation in _VERSIONED and params.get("VersionId"):
        name = {"HeadObject": "GetObject"}.get(operation, name) + "Version"
        name = name.replace("ObjectTaggingVersion", "ObjectVersionTagging").replace(
            "ObjectAclVersion", "ObjectVersionAcl"
        )
    return f"s3:{name}"


def denied() -> ServiceError:
    return ServiceError("AccessDenied", "Access Denied", 403)


class S3Access:
    store: Any

    def authorize(self, ctx: RequestContext, operation: str, params: dict[str, Any]) -> None:
        """AccessDenied unless the caller owns the bucket or its policy allows the call."""
        if params.get("CopySource"):
            from .objects import parse_copy_source

            src_bucket, src_key, src_version = parse_copy_source(params["CopySource"])
            self._authorize_one(
                ctx, "GetObject", {"Bucket": src_bucket, "Key": src_key, "VersionId": src_version}
            )
        if operation == "DeleteObjects":
            for item in (params.get("Delete") or {}).get("Objects") or []:
                self._authorize_one(ctx, "DeleteObject", {"Bucket": params["Bucket"], **item})
            return
        self._authorize_one(ctx, operation, params)

    def _authorize_one(self, ctx: RequestContext, operation: str, params: dict[str, Any]) -> None:
        name = params.get("Bucket")
        anonymous = ctx.extras.get("anonymous", False)
        if not name or operation == "CreateBucket":
            if anonymous:
                raise denied()
            return
        bucket = self.store.get(records.BUCKETS, records.bucket_key(name))
        if bucket is None:
            if anonymous:
                raise denied()
            return  # the operation reports NoSuchBucket itself
        owner = bucket["Account"] == ctx.account_id and not anonymous
        document = bucket.get("Policy")
        if document is None:
            if owner:
                return
            raise denied()
        try:
            statements = parse(document)
        except MalformedPolicy:
            statements = []
        resource = f"arn:aws:s3:::{name}"
        if params.get("Key") is not None:
            resource += f"/{params['Key']}"
        request = Request(
            principal_arn="*" if anonymous else ctx.principal_arn,
            account_id="" if anonymous else ctx.account_id,
            action=iam_action(operation, params),
            resource=resource,
            context=_condition_keys(ctx, params, anonymous),
        )
        decision = evaluate(statements, request)
        if decision == DENY and not (owner and operation in _POLICY_OPERATIONS):
            raise denied()
        if not owner and decision != ALLOW:
            raise denied()


def _condition_keys(ctx: RequestContext, params: dict[str, Any], anonymous: bool) -> dict[str, Any]:
    keys: dict[str, Any] = {
        "aws:SecureTransport": "false",
        "aws:SourceIp": ctx.extras.get("source_ip", "127.0.0.1"),
        "s3:prefix": params.get("Prefix"),
        "s3:delimiter": params.get("Delimiter"),
        "s3:max-keys": params.get("MaxKeys"),
        "s3:VersionId": params.get("VersionId"),
        "s3:x-amz-acl": params.get("ACL"),
        "s3:x-amz-server-side-encryption": params.get("ServerSideEncryption"),
    }
    if not anonymous:
        keys["aws:PrincipalAccount"] = ctx.account_id
        keys["aws:PrincipalArn"] = ctx.principal_arn
        keys["aws:userid"] = ctx.access_key_id
    return {k: v for k, v in keys.items() if v is not None}
