"""State every group of Secrets Manager operations shares: the store, the clock, finding a secret."""

from __future__ import annotations

import base64
from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from . import records
from .errors import invalid_parameter, marked_for_deletion, not_found

DAY = 86400


class SecretsBase:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock

    def find(self, ctx: RequestContext, secret_id: str, kv: Any = None) -> tuple[bytes, dict]:
        """The secret a SecretId names (name, full or partial ARN), deleted or not."""
        kv = kv or self.store
        for name, full_arn in records.names_for(secret_id):
            key = records.secret_key(ctx.account_id, ctx.region, name)
            record = kv.get(records.SECRETS, key)
            if record is None or (full_arn is not None and record["ARN"] != full_arn):
                continue
            if (
                record.get("DeletionDate") is not None
                and self.clock.now() >= record["DeletionDate"]
            ):
                kv.delete(records.SECRETS, key)  # its recovery window is over
                continue
            return key, record
        raise not_found()

    def live(self, ctx: RequestContext, secret_id: str, kv: Any = None) -> tuple[bytes, dict]:
        """As `find`, but a secret scheduled for deletion is InvalidRequestException."""
        key, record = self.find(ctx, secret_id, kv)
        if record.get("DeletedDate") is not None:
            raise marked_for_deletion()
        return key, record

    def secret_value(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The SecretString or SecretBinary of a request, as a version stores it."""
        string, binary = params.get("SecretString"), params.get("SecretBinary")
        if string is not None and binary is not None:
            raise invalid_parameter(
                "You can't specify both a binary secret value and a string secret value in the "
                "same secret."
            )
        if string is not None:
            return {"SecretString": string}
        if binary is not None:
            return {"SecretBinary": base64.b64encode(binary).decode()}
        return None

    def add_version(
        self, record: dict, version_id: str, value: dict | None, stages: list[str]
    ) -> None:
        """Add (or fill an empty) version and move `stages` onto it, as PutSecretValue does."""
        now = self.clock.now()
        existing = record["Versions"].get(version_id)
        if existing is None:
            record["Versions"][version_id] = {"CreatedDate": now, "Stages": [], **(value or {})}
        elif value is not None:
            existing.update(value)
        for stage in stages:
            records.move_stage(record, stage, version_id)
        record["LastChangedDate"] = now


def same_value(version: dict, value: dict | None) -> bool:
    if value is None:
        return True
    return all(version.get(k) == v for k, v in value.items())


def output_value(version: dict) -> dict[str, Any]:
    if "SecretString" in version:
        return {"SecretString": version["SecretString"]}
    if "SecretBinary" in version:
        return {"SecretBinary": base64.b64decode(version["SecretBinary"])}
    return {}
