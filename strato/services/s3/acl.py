"""Access control lists: the grants a canned ACL stands for, and when Object Ownership disables ACLs."""

from __future__ import annotations

from typing import Any

from ...protocol import ServiceError
from . import records

_ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
_AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
_GROUP_GRANTS = {
    "public-read": [(_ALL_USERS, "READ")],
    "public-read-write": [(_ALL_USERS, "READ"), (_ALL_USERS, "WRITE")],
    "authenticated-read": [(_AUTHENTICATED_USERS, "READ")],
}
# The only ACLs a bucket with ACLs disabled (BucketOwnerEnforced) still accepts.
_OWNER_ONLY = {"private", "bucket-owner-full-control"}
_GRANT_MEMBERS = ("GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite", "GrantWriteACP")


def acls_disabled(bucket: dict[str, Any]) -> bool:
    return bucket.get("ObjectOwnership", "BucketOwnerEnforced") == "BucketOwnerEnforced"


def check_acl_allowed(bucket: dict[str, Any], p: dict[str, Any]) -> None:
    """AccessControlListNotSupported when a request sets an ACL on a bucket that disables them."""
    if not acls_disabled(bucket):
        return
    canned = p.get("ACL")
    if (canned and canned not in _OWNER_ONLY) or any(p.get(m) for m in _GRANT_MEMBERS):
        raise ServiceError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)


def acl_policy(account_id: str, canned: str | None) -> dict[str, Any]:
    """The AccessControlPolicy S3 answers for a resource with this canned ACL."""
    owner = records.owner(account_id)
    grants = [{"Grantee": {**owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]
    for uri, permission in _GROUP_GRANTS.get(canned or "private", []):
        grants.append({"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission})
    return {"Owner": owner, "Grants": grants}
