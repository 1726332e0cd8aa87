"""How secrets sit in the store: one record per secret, its versions inside it.

`secretsmanager:secrets` (account, region, name) -> {
    "Name", "ARN", "Description", "KmsKeyId", "Tags": [{"Key", "Value"}], "CreatedDate",
    "LastChangedDate", "LastAccessedDate", "DeletedDate", "DeletionDate", "RotationEnabled",
    "RotationLambdaARN", "RotationRules", "LastRotatedDate", "ResourcePolicy",
    "Versions": {version id: {"SecretString" | "SecretBinary" (base64), "CreatedDate",
                              "Stages": [label, ...], "LastAccessedDate"}}}
Values are stored as they are (no KMS yet).
"""

from __future__ import annotations

import secrets
import string

from ...auth import RequestContext
from ...store import keys

SECRETS = "secretsmanager:secrets"
CURRENT, PREVIOUS, PENDING = "AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"
_SUFFIX_ALPHABET = string.ascii_letters + string.digits


def secret_key(account: str, region: str, name: str) -> bytes:
    return keys.pack(account, region, name)


def new_arn(ctx: RequestContext, name: str) -> str:
    """AWS appends a hyphen and six random characters, so a re-created secret has a new ARN."""
    suffix = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(6))
    return ctx.arn("secretsmanager", f"secret:{name}-{suffix}")


def names_for(secret_id: str) -> list[tuple[str, str | None]]:
    """Candidate (name, full ARN or None) pairs a SecretId may mean, most specific first."""
    if not secret_id.startswith("arn:"):
        return [(secret_id, None)]
    parts = secret_id.split(":", 6)
    if len(parts) < 7 or parts[2] != "secretsmanager" or parts[5] != "secret":
        return []
    name = parts[6]
    found: list[tuple[str, str | None]] = []
    base, dash, suffix = name.rpartition("-")
    if dash and len(suffix) == 6:
        found.append((base, secret_id))  # a full ARN
    found.append((name, None))  # a partial ARN: the name without the suffix
    return found


def version_stages(record: dict) -> dict[str, list[str]]:
    return {vid: v["Stages"] for vid, v in record["Versions"].items() if v["Stages"]}


def version_with(record: dict, stage: str) -> str | None:
    for vid, version in record["Versions"].items():
        if stage in version["Stages"]:
            return vid
    return None


def move_stage(record: dict, stage: str, to_version: str | None) -> None:
    """Take `stage` off every version and put it on `to_version`; AWSCURRENT leaves AWSPREVIOUS behind."""
    old = version_with(record, stage)
    if old == to_version:
        return
    if old is not None:
        record["Versions"][old]["Stages"].remove(stage)
    if stage == CURRENT and old is not None and to_version is not None:
        move_stage(record, PREVIOUS, old)
    if to_version is not None:
        record["Versions"][to_version]["Stages"].append(stage)


def description(record: dict) -> dict:
    """DescribeSecret's (and ListSecrets' entries') view of a record."""
    out = {
        k: record[k]
        for k in (
            "ARN",
            "Name",
            "Description",
            "KmsKeyId",
            "RotationEnabled",
            "RotationLambdaARN",
            "RotationRules",
            "LastRotatedDate",
            "LastChangedDate",
            "LastAccessedDate",
            "DeletedDate",
            "CreatedDate",
        )
        if record.get(k) is not None
    }
    if record.get("Tags"):
        out["Tags"] = record["Tags"]
    out["VersionIdsToStages"] = version_stages(record)
    return out
