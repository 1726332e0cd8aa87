"""The Parameter Store provider: parameters, versions, labels, tags, and Secrets Manager references.

`/aws/reference/secretsmanager/<secret>` names read a secret through the Secrets Manager
provider (`platform.provider("secretsmanager").get_secret_value`). SecureString values are
stored as given (no KMS yet).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from ...protocol import ServiceError
from ...store import keys
from . import filters, records
from .errors import (
    already_exists,
    invalid_token,
    not_found,
    pattern_mismatch,
    validation,
    version_not_found,
)

REFERENCE = "/aws/reference/secretsmanager/"
_DATA_TYPES = ("text", "aws:ec2:image", "aws:ssm:integration")


class SsmProvider:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock

    # -- writes -------------------------------------------------------------
    def put_parameter(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name, value = params["Name"], params["Value"]
        _check_name(name)
        if params.get("Tags") and params.get("Overwrite"):
            raise validation(
                "Invalid request: tags and overwrite can't be used together. To create a parameter "
                "with tags, please remove overwrite flag. To update tags for an existing parameter, "
                "please use AddTagsToResource or RemoveTagsFromResource."
            )
        data_type = params.get("DataType") or "text"
        if data_type not in _DATA_TYPES:
            raise validation(
                f"The following data type is not supported: {data_type} (Data type names are all lowercase.)"
            )
        pattern = params.get("AllowedPattern")
        if pattern and re.fullmatch(pattern, value) is None:
            raise pattern_mismatch(value, pattern)
        tier = params.get("Tier") or "Standard"
        if tier == "Intelligent-Tiering":
            tier = "Advanced" if len(value.encode()) > 4096 else "Standard"
        if tier == "Standard" and len(value.encode()) > 4096:
            raise validation(
                "Standard tier parameters support a maximum parameter value of 4096 characters. "
                "To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier."
            )
        key = records.parameter_key(ctx.account_id, ctx.region, name)
        with self.store.transaction() as tx:
            record = tx.get(records.PARAMETERS, key)
            if record is not None and not params.get("Overwrite"):
                raise already_exists()
            previous = record["History"][-1] if record else {}
            kind = params.get("Type") or previous.get("Type")
            if kind is None:
                raise validation("A parameter type is required when you create a parameter.")
            if record is None:
                record = {"Tags": list(params.get("Tags") or []), "History": []}
            if previous.get("Tier") == "Advanced" and tier == "Standard" and "Tier" not in params:
                tier = "Advanced"  # an advanced parameter never goes back by default
            entry = {
                "Version": previous.get("Version", 0) + 1,
                "Value": value,
                "Type": kind,
                "KeyId": params.get("KeyId")
                or (("alias/aws/ssm") if kind == "SecureString" else None),
                "Description": params.get("Description", previous.get("Description")),
                "AllowedPattern": pattern,
                "Tier": tier,
                "DataType": data_type,
                "LastModifiedDate": self.clock.now(),
                "LastModifiedUser": ctx.principal_arn,
                "Labels": [],
            }
            record["History"].append(entry)
            tx.put(records.PARAMETERS, key, record)
        return {"Version": entry["Version"], "Tier": tier}

    def delete_parameter(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        if not self.store.delete(
            records.PARAMETERS, records.parameter_key(ctx.account_id, ctx.region, params["Name"])
        ):
            raise not_found()
        return {}

    def delete_parameters(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        deleted, invalid = [], []
        with self.store.transaction() as tx:
            for name in params["Names"]:
                gone = tx.delete(
                    records.PARAMETERS, records.parameter_key(ctx.account_id, ctx.region, name)
                )
                (deleted if gone else invalid).append(name)
        return {"DeletedParameters": deleted, "InvalidParameters": invalid}

    def label_parameter_version(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name, labels = params["Name"], params["Labels"]
        invalid = [
            label
            for label in labels
            if len(label) > 100
            or label[0].isdigit()
            or label.lower().startswith(("aws", "ssm"))
            or not re.fullmatch(r"[\w.\-]+", label)
        ]
        key = records.parameter_key(ctx.account_id, ctx.region, name)
        with self.store.transaction() as tx:
            record = tx.get(records.PARAMETERS, key)
            if record is None:
                raise not_found()
            version = params.get("ParameterVersion", record["History"][-1]["Version"])
            target = next((e for e in record["History"] if e["Version"] == version), None)
            if target is None:
                raise version_not_found(name, str(version))
            valid = [label for label in labels if label not in invalid]
            for entry in record["History"]:
                entry["Labels"] = [label for label in entry["Labels"] if label not in valid]
            target["Labels"] = target["Labels"] + [
                label for label in valid if label not in target["Labels"]
            ]
            tx.put(records.PARAMETERS, key, record)
        return {"InvalidLabels": invalid, "ParameterVersion": version}

    # -- reads ----------------------------------------------------------------
    def get_parameter(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["Name"]
        decrypt = params.get("WithDecryption", False)
        if name.startswith(REFERENCE):
            return {"Parameter": self._secret_reference(ctx, name, decrypt)}
        return {"Parameter": self._resolve(ctx, name, decrypt)}

    def get_parameters(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        found, invalid = [], []
        decrypt = params.get("WithDecryption", False)
        for name in params["Names"]:
            try:
                if name.startswith(REFERENCE):
                    found.append(self._secret_reference(ctx, name, decrypt))
                else:
                    found.append(self._resolve(ctx, name, decrypt))
            except ServiceError as err:
                if err.code not in ("ParameterNotFound", "ParameterVersionNotFound"):
                    raise
                invalid.append(name)
        return {"Parameters": found, "InvalidParameters": invalid}

    def get_parameters_by_path(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        path = params["Path"]
        if not path.startswith("/"):
            raise validation(
                'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".'
            )
        recursive = params.get("Recursive", False)
        wanted = params.get("ParameterFilters") or []
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, partial=path.rstrip("/") + "/")
        decrypt = params.get("WithDecryption", False)
        matched = [
            records.parameter_view(ctx, keys.unpack(k)[2], r["History"][-1], decrypt)
            for k, r in self.store.scan(records.PARAMETERS, lo, hi)
            if filters.under(keys.unpack(k)[2], path, recursive)
            and filters.matches(keys.unpack(k)[2], r, wanted)
        ]
        page, token = _page(matched, params.get("NextToken"), params.get("MaxResults", 10))
        return {"Parameters": page, **({"NextToken": token} if token else {})}

    def describe_parameters(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        wanted = filters.from_legacy(params.get("Filters") or []) + (
            params.get("ParameterFilters") or []
        )
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        matched = [
            records.metadata_view(ctx, keys.unpack(k)[2], r["History"][-1])
            for k, r in self.store.scan(records.PARAMETERS, lo, hi)
            if filters.matches(keys.unpack(k)[2], r, wanted)
        ]
        page, token = _page(matched, params.get("NextToken"), params.get("MaxResults", 10))
        return {"Parameters": page, **({"NextToken": token} if token else {})}

    def get_parameter_history(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["Name"]
        record = self.store.get(
            records.PARAMETERS, records.parameter_key(ctx.account_id, ctx.region, name)
        )
        if record is None:
            raise not_found()
        decrypt = params.get("WithDecryption", False)
        entries = [records.history_view(name, e, decrypt) for e in record["History"]]
        page, token = _page(entries, params.get("NextToken"), params.get("MaxResults", 50))
        return {"Parameters": page, **({"NextToken": token} if token else {})}

    # -- tags -------------------------------------------------------------------
    def add_tags_to_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction() as tx:
            key, record = self._tagged(ctx, params, tx)
            tags = {t["Key"]: t["Value"] for t in record.get("Tags") or []}
            tags.update({t["Key"]: t["Value"] for t in params["Tags"]})
            record["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
            tx.put(records.PARAMETERS, key, record)
        return {}

    def remove_tags_from_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction() as tx:
            key, record = self._tagged(ctx, params, tx)
            gone = set(params["TagKeys"])
            record["Tags"] = [t for t in record.get("Tags") or [] if t["Key"] not in gone]
            tx.put(records.PARAMETERS, key, record)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        _, record = self._tagged(ctx, params, self.store)
        return {"TagList": record.get("Tags") or []}

    def _tagged(self, ctx: RequestContext, params: dict[str, Any], kv: Any) -> tuple[bytes, dict]:
        if params["ResourceType"] != "Parameter":
            raise validation(
                f"Strato supports tags on parameters only, not {params['ResourceType']}."
            )
        key = records.parameter_key(ctx.account_id, ctx.region, params["ResourceId"])
        record = kv.get(records.PARAMETERS, key)
        if record is None:
            raise ServiceError(
                "InvalidResourceId",
                "The resource ID is not valid. Verify the ID and try again.",
                400,
            )
        return key, record

    # -- look-ups -----------------------------------------------------------------
    def _resolve(self, ctx: RequestContext, name: str, decrypt: bool) -> dict:
        """A parameter by `name`, `name:version` or `name:label`."""
        base, _, selector = name.partition(":")
        if base.startswith("arn:"):
            raise validation("Strato reads parameters by name, not ARN.")
        record = self.store.get(
            records.PARAMETERS, records.parameter_key(ctx.account_id, ctx.region, base)
        )
        if record is None:
            raise not_found()
        if not selector:
            return records.parameter_view(ctx, base, record["History"][-1], decrypt)
        if selector.isdigit():
            entry = next((e for e in record["History"] if e["Version"] == int(selector)), None)
        else:
            entry = next((e for e in record["History"] if selector in e["Labels"]), None)
        if entry is None:
            raise version_not_found(base, selector)
        return records.parameter_view(ctx, base, entry, decrypt, ":" + selector)

    def _secret_reference(self, ctx: RequestContext, name: str, decrypt: bool) -> dict:
        if not decrypt:
            raise validation(
                "WithDecryption flag must be True for retrieving a Secret Manager secret."
            )
        secret_id, _, selector = name[len(REFERENCE) :].partition(":")
        request: dict[str, Any] = {"SecretId": secret_id}
        if selector:
            request["VersionStage" if selector.startswith("AWS") else "VersionId"] = selector
        sm = self.platform.provider("secretsmanager")
        try:
            secret = sm.get_secret_value(ctx, request)
            described = sm.describe_secret(ctx, {"SecretId": secret_id})
        except ServiceError as err:
            if err.code == "ResourceNotFoundException":
                raise not_found(f"Secret {secret_id} not found.") from err
            raise
        value = secret.get("SecretString")
        if value is None:
            value = base64.b64encode(secret["SecretBinary"]).decode()
        source = {k: v for k, v in described.items() if not k.endswith("Date")}
        return {
            "Name": name,
            "Type": "SecureString",
            "Value": value,
            "Version": 0,
            "SourceResult": json.dumps(source),
            "LastModifiedDate": secret["CreatedDate"],
            "ARN": secret["ARN"],
            "DataType": "text",
            **({"Selector": ":" + selector} if selector else {}),
        }


def _check_name(name: str) -> None:
    bare = name.lstrip("/").lower()
    if bare.startswith(("aws", "ssm")):
        raise validation(
            'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).'
        )
    if "/" in name and not name.startswith("/"):
        raise validation("Parameter name must be a fully qualified name.")
    if not re.fullmatch(r"[a-zA-Z0-9_.\-/]+", name):
        raise validation(
            "Parameter name: must contain only alphanumeric characters, periods, hyphens, underscores and forward slashes."
        )


def _page(items: list, token: str | None, size: int) -> tuple[list, str | None]:
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except (ValueError, binascii.Error) as e:
            raise invalid_token() from e
    end = start + size
    return items[start:end], base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(
        items
    ) else None
