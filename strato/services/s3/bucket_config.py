"""Bucket configurations S3 stores and returns: tags, policy, versioning, notifications, CORS, lifecycle, ACL, encryption."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from . import notifications
from .acl import acl_policy, check_acl_allowed
from .base import S3Base
from .buckets import policy_json
from .errors import malformed_xml
from .notification_config import checked_notification_config
from .tags import check_tag_set

_DEFAULT_ENCRYPTION = {
    "Rules": [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
        }
    ]
}


def _missing(code: str, message: str, bucket: str) -> ServiceError:
    return ServiceError(code, message, 404, BucketName=bucket)


class BucketConfigOperations(S3Base):
    # -- a stored configuration: put, get (or a 404), delete ---------------
    def _put_config(self, name: str, field: str, value: Any) -> dict[str, Any]:
        self.update_bucket(name, **{field: value})
        return {}

    def _get_config(self, name: str, field: str, missing: tuple[str, str] | None) -> Any:
        value = self.bucket(name).get(field)
        if value is None and missing is not None:
            raise _missing(missing[0], missing[1], name)
        return value

    # -- tagging ----------------------------------------------------------
    def put_bucket_tagging(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        tags = p["Tagging"].get("TagSet", [])
        check_tag_set(tags, limit=50)
        self._put_config(p["Bucket"], "Tagging", tags)
        return {"_status": 204}

    def get_bucket_tagging(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        tags = self._get_config(
            p["Bucket"], "Tagging", ("NoSuchTagSet", "The TagSet does not exist")
        )
        return {"TagSet": tags}

    def delete_bucket_tagging(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(p["Bucket"], "Tagging", None)

    # -- policy -------------------------------------------------------------
    def put_bucket_policy(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        policy_json(p["Policy"])
        self._put_config(p["Bucket"], "Policy", p["Policy"])
        return {"_status": 204}

    def get_bucket_policy(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        policy = self._get_config(
            p["Bucket"], "Policy", ("NoSuchBucketPolicy", "The bucket policy does not exist")
        )
        return {"Policy": policy}

    def delete_bucket_policy(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(p["Bucket"], "Policy", None)

    def get_bucket_policy_status(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        policy = self._get_config(
            p["Bucket"], "Policy", ("NoSuchBucketPolicy", "The bucket policy does not exist")
        )
        public = '"Principal":"*"' in policy.replace(" ", "") or '"AWS":"*"' in policy.replace(
            " ", ""
        )
        return {"PolicyStatus": {"IsPublic": public}}

    # -- versioning ---------------------------------------------------------
    def put_bucket_versioning(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        config = p["VersioningConfiguration"]
        status = config.get("Status")
        if status not in ("Enabled", "Suspended"):
            raise malformed_xml()
        bucket = self.bucket(p["Bucket"])
        if bucket.get("ObjectLockEnabled") and status == "Suspended":
            raise ServiceError(
                "InvalidBucketState",
                "An Object Lock configuration is present on this bucket, so the versioning state "
                "cannot be changed.",
                409,
            )
        stored = {"Status": status}
        if config.get("MFADelete"):
            stored["MFADelete"] = config["MFADelete"]
        return self._put_config(p["Bucket"], "Versioning", stored)

    def get_bucket_versioning(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return dict(self._get_config(p["Bucket"], "Versioning", None) or {})

    # -- notifications (stored; delivery lives in the events layer) ---------
    def put_bucket_notification_configuration(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        bucket = self.bucket(p["Bucket"])
        config = checked_notification_config(p.get("NotificationConfiguration") or {})
        # S3 stores nothing, and sends no test event, unless every destination accepts it.
        notifications.check_destinations(self, ctx, bucket, config)
        self._put_config(p["Bucket"], "Notification", config)
        notifications.test_event(self, ctx, self.bucket(p["Bucket"]))
        return {}

    def get_bucket_notification_configuration(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        return dict(self._get_config(p["Bucket"], "Notification", None) or {})

    # -- CORS -----------------------------------------------------------------
    def put_bucket_cors(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        rules = p["CORSConfiguration"].get("CORSRules") or []
        if not rules or len(rules) > 100:
            raise malformed_xml()
        for rule in rules:
            if not rule.get("AllowedMethods") or not rule.get("AllowedOrigins"):
                raise malformed_xml()
            for method in rule["AllowedMethods"]:
                if method not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
                    raise ServiceError(
                        "InvalidRequest",
                        f"Found unsupported HTTP method in CORS config. Unsupported method is {method}",
                        400,
                    )
        return self._put_config(p["Bucket"], "Cors", rules)

    def get_bucket_cors(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        rules = self._get_config(
            p["Bucket"],
            "Cors",
            ("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
        )
        return {"CORSRules": rules}

    def delete_bucket_cors(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(p["Bucket"], "Cors", None)

    # -- lifecycle ------------------------------------------------------------
    def put_bucket_lifecycle_configuration(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        rules = (p.get("LifecycleConfiguration") or {}).get("Rules") or []
        if not rules:
            raise malformed_xml()
        for rule in rules:
            if rule.get("Status") not in ("Enabled", "Disabled"):
                raise malformed_xml()
        self._put_config(p["Bucket"], "Lifecycle", rules)
        return {"TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}

    def get_bucket_lifecycle_configuration(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        rules = self._get_config(
            p["Bucket"],
            "Lifecycle",
            ("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
        )
        return {"Rules": rules, "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}

    def delete_bucket_lifecycle(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(p["Bucket"], "Lifecycle", None)

    # -- ACL (owner full control; canned ACLs are recorded) ---------------------
    def get_bucket_acl(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(p["Bucket"])
        return acl_policy(bucket["Account"], bucket.get("Acl"))

    def put_bucket_acl(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        check_acl_allowed(self.bucket(p["Bucket"]), p)
        return self._put_config(p["Bucket"], "Acl", p.get("ACL") or "private")

    # -- default encryption -------------------------------------------------------
    def get_bucket_encryption(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        config = self._get_config(p["Bucket"], "Encryption", None) or _DEFAULT_ENCRYPTION
        return {"ServerSideEncryptionConfiguration": config}

    def put_bucket_encryption(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(p["Bucket"], "Encryption", p["ServerSideEncryptionConfiguration"])

    def delete_bucket_encryption(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(p["Bucket"], "Encryption", None)

    # -- ownership controls and public access block ---------------------------------
    def get_bucket_ownership_controls(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        bucket = self.bucket(p["Bucket"])
        ownership = bucket.get("ObjectOwnership")
        if not ownership:
            raise _missing(
                "OwnershipControlsNotFoundError",
                "The bucket ownership controls were not found",
                p["Bucket"],
            )
        return {"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}}

    def put_bucket_ownership_controls(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        rules = p["OwnershipControls"].get("Rules") or []
        if len(rules) != 1:
            raise malformed_xml()
        return self._put_config(p["Bucket"], "ObjectOwnership", rules[0]["ObjectOwnership"])

    def delete_bucket_ownership_controls(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        return self._put_config(p["Bucket"], "ObjectOwnership", None)

    def get_public_access_block(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        config = self._get_config(
            p["Bucket"],
            "PublicAccessBlock",
            (
                "NoSuchPublicAccessBlockConfiguration",
                "The public access block configuration was not found",
            ),
        )
        return {"PublicAccessBlockConfiguration": config}

    def put_public_access_block(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(
            p["Bucket"], "PublicAccessBlock", p["PublicAccessBlockConfiguration"]
        )

    def delete_public_access_block(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(p["Bucket"], "PublicAccessBlock", None)
