"""Bucket lifecycle: create, list, head, delete, location."""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from ...store import keys
from . import records
from .base import S3Base

_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def check_bucket_name(name: str) -> None:
    bad = (
        not _NAME.match(name)
        or ".." in name
        or ".-" in name
        or "-." in name
        or name.startswith(("xn--", "sthree-", "amzn-s3-demo-"))
        or name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3"))
        or _is_ip(name)
    )
    if bad:
        raise ServiceError(
            "InvalidBucketName", "The specified bucket is not valid.", 400, BucketName=name
        )


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
        return True
    except ValueError:
        return False


class BucketOperations(S3Base):
    def create_bucket(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["Bucket"]
        check_bucket_name(name)
        constraint = (p.get("CreateBucketConfiguration") or {}).get("LocationConstraint")
        region = ctx.region
        if constraint == "EU":
            constraint = "eu-west-1"
        if constraint and constraint != region:
            raise ServiceError(
                "IllegalLocationConstraintException",
                f"The {constraint} location constraint is incompatible for the region specific "
                "endpoint this request was sent to.",
                400,
            )
        if not constraint and region != "us-east-1":
            raise ServiceError(
                "IllegalLocationConstraintException",
                "The unspecified location constraint is incompatible for the region specific "
                "endpoint this request was sent to.",
                400,
            )
        if constraint == "us-east-1":
            raise ServiceError(
                "InvalidLocationConstraint", "The specified location-constraint is not valid", 400
            )
        ownership = p.get("ObjectOwnership", "BucketOwnerEnforced")
        if ownership == "BucketOwnerEnforced" and (
            p.get("ACL") not in (None, "private", "bucket-owner-full-control")
            or any(
                p.get(m)
                for m in (
                    "GrantFullControl",
                    "GrantRead",
                    "GrantReadACP",
                    "GrantWrite",
                    "GrantWriteACP",
                )
            )
        ):
            raise ServiceError(
                "InvalidBucketAclWithObjectOwnership",
                "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
                400,
            )
        with self.store.transaction():
            existing = self.store.get(records.BUCKETS, records.bucket_key(name))
            if existing is not None:
                if existing["Account"] == ctx.account_id:
                    if region == "us-east-1":
                        # S3's legacy rule: re-creating your own bucket in us-east-1 is a 200 no-op.
                        return {"Location": f"/{name}", "BucketArn": f"arn:aws:s3:::{name}"}
                    raise ServiceError(
                        "BucketAlreadyOwnedByYou",
                        "Your previous request to create the named bucket succeeded and you "
                        "already own it.",
                        409,
                        BucketName=name,
                    )
                raise ServiceError(
                    "BucketAlreadyExists",
                    "The requested bucket name is not available. The bucket namespace is shared "
                    "by all users of the system. Please select a different name and try again.",
                    409,
                    BucketName=name,
                )
            record = {
                "Name": name,
                "Account": ctx.account_id,
                "Region": region,
                "CreationDate": self.now_ms(),
                "ObjectOwnership": ownership,
            }
            if p.get("ACL"):
                record["Acl"] = p["ACL"]
            if p.get("ObjectLockEnabledForBucket"):
                record["ObjectLockEnabled"] = True
                record["Versioning"] = {"Status": "Enabled"}
            self.save_bucket(record)
        location = f"/{name}" if region == "us-east-1" else f"http://{name}.s3.amazonaws.com/"
        return {"Location": location, "BucketArn": f"arn:aws:s3:::{name}"}

    def head_bucket(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(p["Bucket"])
        return {"BucketRegion": bucket["Region"], "AccessPointAlias": False}

    def get_bucket_location(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(p["Bucket"])
        region = bucket["Region"]
        return {} if region == "us-east-1" else {"LocationConstraint": region}

    def list_buckets(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        prefix = p.get("Prefix") or ""
        region = p.get("BucketRegion")
        limit = p.get("MaxBuckets")
        start = b""
        token = p.get("ContinuationToken")
        if token:
            try:
                start = keys.after(records.bucket_key(base64.urlsafe_b64decode(token).decode()))
            except ValueError as e:
                raise ServiceError(
                    "InvalidArgument", "The continuation token provided is incorrect", 400
                ) from e
        lo, hi = keys.prefix_range(partial=prefix)
        lo = max(lo, start)
        found: list[dict[str, Any]] = []
        more = False
        for _, b in self.store.scan(records.BUCKETS, lo, hi):
            if b["Account"] != ctx.account_id or (region and b["Region"] != region):
                continue
            if limit is not None and len(found) >= limit:
                more = True
                break
            found.append(
                {
                    "Name": b["Name"],
                    "CreationDate": b["CreationDate"] / 1000,
                    "BucketRegion": b["Region"],
                }
            )
        out: dict[str, Any] = {"Buckets": found, "Owner": records.owner(ctx.account_id)}
        if prefix:
            out["Prefix"] = prefix
        if more:
            out["ContinuationToken"] = base64.urlsafe_b64encode(found[-1]["Name"].encode()).decode()
        return out

    def delete_bucket(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["Bucket"]
        with self.store.transaction():
            self.bucket(name)
            lo, hi = keys.prefix_range(name)
            if next(iter(self.store.scan(records.VERSIONS, lo, hi, limit=1)), None) is not None:
                raise ServiceError(
                    "BucketNotEmpty",
                    "The bucket you tried to delete is not empty",
                    409,
                    BucketName=name,
                )
            for _, upload in list(self.store.scan(records.UPLOADS, lo, hi)):
                self._drop_upload(name, upload["UploadId"])
            self.store.delete(records.BUCKETS, records.bucket_key(name))
        return {}


def policy_json(text: str) -> None:
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ServiceError(
            "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", 400
        ) from e
    if not isinstance(doc, dict) or "Statement" not in doc:
        raise ServiceError("MalformedPolicy", "Missing required field Statement", 400)
