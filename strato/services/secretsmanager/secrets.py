"""Secrets themselves: create, describe, update, list, delete, restore, tags and policies."""

from __future__ import annotations

import json
import uuid
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import records, tokens
from .base import DAY, SecretsBase, same_value
from .errors import exists, invalid_parameter, malformed_policy, marked_for_deletion

_FILTER_KEYS = {
    "description",
    "name",
    "tag-key",
    "tag-value",
    "primary-region",
    "owning-service",
    "all",
}


class SecretOperations(SecretsBase):
    def create_secret(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["Name"]
        value = self.secret_value(params)
        version_id = params.get("ClientRequestToken") or str(uuid.uuid4())
        key = records.secret_key(ctx.account_id, ctx.region, name)
        with self.store.transaction() as tx:
            found = tx.get(records.SECRETS, key)
            if found is not None:
                if found.get("DeletedDate") is not None:
                    raise invalid_parameter(
                        "You can't create this secret because a secret with this name is already "
                        "scheduled for deletion."
                    )
                version = found["Versions"].get(version_id)
                if params.get("ClientRequestToken") and version is not None:
                    if not same_value(version, value):
                        raise exists(
                            "You can't modify an existing version, you can only create a new version."
                        )
                    return {"ARN": found["ARN"], "Name": name, "VersionId": version_id}
                raise exists(f"The operation failed because the secret {name} already exists.")
            now = self.clock.now()
            record: dict[str, Any] = {
                "Name": name,
                "ARN": records.new_arn(ctx, name),
                "Description": params.get("Description"),
                "KmsKeyId": params.get("KmsKeyId"),
                "Tags": list(params.get("Tags") or []),
                "CreatedDate": now,
                "LastChangedDate": now,
                "Versions": {},
            }
            out = {"ARN": record["ARN"], "Name": name}
            if value is not None:
                self.add_version(record, version_id, value, [records.CURRENT])
                out["VersionId"] = version_id
            tx.put(records.SECRETS, key, record)
        return out

    def describe_secret(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        _, record = self.find(ctx, params["SecretId"])
        return records.description(record)

    def update_secret(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        value = self.secret_value(params)
        version_id = params.get("ClientRequestToken") or str(uuid.uuid4())
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            for field in ("Description", "KmsKeyId"):
                if field in params:
                    record[field] = params[field]
            record["LastChangedDate"] = self.clock.now()
            out = {"ARN": record["ARN"], "Name": record["Name"]}
            if value is not None:
                version = record["Versions"].get(version_id)
                if version is not None and not same_value(version, value):
                    raise exists(
                        "You can't modify an existing version, you can only create a new version."
                    )
                self.add_version(record, version_id, value, [records.CURRENT])
                out["VersionId"] = version_id
            tx.put(records.SECRETS, key, record)
        return out

    def delete_secret(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        force = params.get("ForceDeleteWithoutRecovery", False)
        window = params.get("RecoveryWindowInDays")
        if force and window is not None:
            raise invalid_parameter(
                "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
            )
        if window is not None and not 7 <= window <= 30:
            raise invalid_parameter(
                "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
            )
        now = self.clock.now()
        with self.store.transaction() as tx:
            key, record = self.find(ctx, params["SecretId"], tx)
            if record.get("DeletedDate") is not None and not force:
                raise marked_for_deletion()
            if force:
                tx.delete(records.SECRETS, key)
                deletion = now
            else:
                deletion = now + (window or 30) * DAY
                record["DeletedDate"] = now
                record["DeletionDate"] = deletion
                tx.put(records.SECRETS, key, record)
        return {"ARN": record["ARN"], "Name": record["Name"], "DeletionDate": deletion}

    def restore_secret(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction() as tx:
            key, record = self.find(ctx, params["SecretId"], tx)
            record.pop("DeletedDate", None)
            record.pop("DeletionDate", None)
            tx.put(records.SECRETS, key, record)
        return {"ARN": record["ARN"], "Name": record["Name"]}

    def list_secrets(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        filters = params.get("Filters") or []
        for f in filters:
            if f.get("Key") not in _FILTER_KEYS:
                raise invalid_parameter(f"Invalid filter key: {f.get('Key')}")
        entries = [
            r
            for r in self.records(ctx)
            if params.get("IncludePlannedDeletion") or not r.get("DeletedDate")
        ]
        entries = [r for r in entries if all(_matches(r, f) for f in filters)]
        if params.get("SortOrder") == "desc":
            entries.reverse()
        page, token = tokens.page(entries, params.get("NextToken"), params.get("MaxResults", 100))
        out: dict[str, Any] = {"SecretList": []}
        for record in page:
            entry = records.description(record)
            entry["SecretVersionsToStages"] = entry.pop("VersionIdsToStages")
            out["SecretList"].append(entry)
        if token:
            out["NextToken"] = token
        return out

    def records(self, ctx: RequestContext) -> list[dict]:
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        now = self.clock.now()
        return [
            r
            for _, r in self.store.scan(records.SECRETS, lo, hi)
            if r.get("DeletionDate") is None or now < r["DeletionDate"]
        ]

    # -- tags ---------------------------------------------------------------
    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            tags = {t["Key"]: t["Value"] for t in record.get("Tags") or []}
            tags.update({t["Key"]: t["Value"] for t in params["Tags"]})
            record["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
            tx.put(records.SECRETS, key, record)
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            gone = set(params["TagKeys"])
            record["Tags"] = [t for t in record.get("Tags") or [] if t["Key"] not in gone]
            tx.put(records.SECRETS, key, record)
        return {}

    # -- resource policies ------------------------------------------------------
    def put_resource_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        try:
            policy = json.loads(params["ResourcePolicy"])
        except ValueError as e:
            raise malformed_policy() from e
        if not isinstance(policy, dict):
            raise malformed_policy()
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            record["ResourcePolicy"] = params["ResourcePolicy"]
            tx.put(records.SECRETS, key, record)
        return {"ARN": record["ARN"], "Name": record["Name"]}

    def get_resource_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        _, record = self.live(ctx, params["SecretId"])
        out = {"ARN": record["ARN"], "Name": record["Name"]}
        if record.get("ResourcePolicy"):
            out["ResourcePolicy"] = record["ResourcePolicy"]
        return out

    def delete_resource_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            record.pop("ResourcePolicy", None)
            tx.put(records.SECRETS, key, record)
        return {"ARN": record["ARN"], "Name": record["Name"]}


def _matches(record: dict, f: dict) -> bool:
    """A ListSecrets filter: any value matches by prefix; a leading '!' negates it."""
    key = f["Key"]
    tags = record.get("Tags") or []
    fields = {
        "name": [record["Name"]],
        "description": [record.get("Description") or ""],
        "tag-key": [t["Key"] for t in tags],
        "tag-value": [t["Value"] for t in tags],
        "primary-region": [],
        "owning-service": [],
    }
    fields["all"] = [v for vs in fields.values() for v in vs]
    candidates = fields[key]
    for value in f.get("Values") or []:
        negate = value.startswith("!")
        needle = value[1:] if negate else value
        hit = any(
            c.startswith(needle) if key in ("name",) else c.lower().startswith(needle.lower())
            for c in candidates
        )
        if hit != negate:
            return True
    return False
