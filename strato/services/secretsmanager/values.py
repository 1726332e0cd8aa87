"""Secret values: get, put, batch get, versions and their staging labels."""

from __future__ import annotations

import uuid
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from . import records
from .base import SecretsBase, output_value, same_value
from .errors import exists, invalid_parameter, not_found


class ValueOperations(SecretsBase):
    def get_secret_value(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            vid, version = _select(record, params.get("VersionId"), params.get("VersionStage"))
            # AWS keeps only the date of the last access.
            day = int(self.clock.now()) // 86400 * 86400
            if record.get("LastAccessedDate") != day:
                record["LastAccessedDate"] = day
                tx.put(records.SECRETS, key, record)
        return {
            "ARN": record["ARN"],
            "Name": record["Name"],
            "VersionId": vid,
            "VersionStages": version["Stages"],
            "CreatedDate": version["CreatedDate"],
            **output_value(version),
        }

    def put_secret_value(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        value = self.secret_value(params)
        if value is None:
            raise invalid_parameter("You must provide either SecretString or SecretBinary.")
        version_id = params.get("ClientRequestToken") or str(uuid.uuid4())
        stages = params.get("VersionStages") or [records.CURRENT]
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            version = record["Versions"].get(version_id)
            if version is not None and _has_value(version) and not same_value(version, value):
                raise exists(
                    "You can't modify an existing version, you can only create a new version."
                )
            self.add_version(record, version_id, value, stages)
            tx.put(records.SECRETS, key, record)
        return {
            "ARN": record["ARN"],
            "Name": record["Name"],
            "VersionId": version_id,
            "VersionStages": record["Versions"][version_id]["Stages"],
        }

    def batch_get_secret_value(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        ids, filters = params.get("SecretIdList"), params.get("Filters")
        if bool(ids) == bool(filters):
            raise invalid_parameter("Either 'SecretIdList' or 'Filters' must be provided.")
        if filters:
            listed = self.list_secrets(  # type: ignore[attr-defined]
                ctx,
                {
                    "Filters": filters,
                    "MaxResults": params.get("MaxResults", 20),
                    "NextToken": params.get("NextToken"),
                },
            )
            ids = [s["ARN"] for s in listed["SecretList"]]
        values: list[dict] = []
        errors: list[dict] = []
        for secret_id in ids or []:
            try:
                values.append(self.get_secret_value(ctx, {"SecretId": secret_id}))
            except ServiceError as err:  # each id's failure is reported in its own entry
                errors.append(
                    {"SecretId": secret_id, "ErrorCode": err.code, "Message": err.message}
                )
        out: dict[str, Any] = {"SecretValues": values, "Errors": errors}
        if filters and listed.get("NextToken"):
            out["NextToken"] = listed["NextToken"]
        return out

    def list_secret_version_ids(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        _, record = self.live(ctx, params["SecretId"])
        versions = [
            {
                "VersionId": vid,
                "VersionStages": v["Stages"],
                "CreatedDate": v["CreatedDate"],
            }
            for vid, v in record["Versions"].items()
            if v["Stages"] or params.get("IncludeDeprecated")
        ]
        versions.sort(key=lambda v: v["CreatedDate"], reverse=True)
        return {"ARN": record["ARN"], "Name": record["Name"], "Versions": versions}

    def update_secret_version_stage(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        stage = params["VersionStage"]
        remove_from, move_to = params.get("RemoveFromVersionId"), params.get("MoveToVersionId")
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            for vid in (remove_from, move_to):
                if vid is not None and vid not in record["Versions"]:
                    raise invalid_parameter(f"The version {vid} doesn't exist.")
            holder = records.version_with(record, stage)
            if holder is not None and holder != move_to and holder != remove_from:
                raise invalid_parameter(
                    f"The staging label {stage} is currently attached to version {holder}, so you "
                    "must explicitly reference that version in RemoveFromVersionId."
                )
            if remove_from is not None and holder != remove_from:
                raise invalid_parameter(
                    f"The staging label {stage} isn't attached to version {remove_from}."
                )
            records.move_stage(record, stage, move_to)
            record["LastChangedDate"] = self.clock.now()
            tx.put(records.SECRETS, key, record)
        return {"ARN": record["ARN"], "Name": record["Name"]}


def _has_value(version: dict) -> bool:
    return "SecretString" in version or "SecretBinary" in version


def _select(record: dict, version_id: str | None, stage: str | None) -> tuple[str, dict]:
    if version_id is not None:
        version = record["Versions"].get(version_id)
        if version is None or not _has_value(version):
            raise not_found(
                f"Secrets Manager can't find the specified secret value for VersionId: {version_id}"
            )
        if stage is not None and stage not in version["Stages"]:
            raise invalid_parameter(
                "You provided a VersionStage that is not associated to the provided VersionId."
            )
        return version_id, version
    stage = stage or records.CURRENT
    vid = records.version_with(record, stage)
    if vid is None or not _has_value(record["Versions"][vid]):
        raise not_found(
            f"Secrets Manager can't find the specified secret value for staging label: {stage}"
        )
    return vid, record["Versions"][vid]
