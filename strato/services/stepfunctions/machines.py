"""State machines: create, describe, list, update, delete, validate, and tags."""

from __future__ import annotations

import uuid
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import records
from .definitions import diagnostics, parse_or_raise
from .errors import (
    invalid_arn,
    machine_exists,
    machine_not_found,
    resource_not_found,
    too_many_tags,
    validation,
)
from .naming import MachineRef, check_name, check_role_arn, parse_activity_arn, parse_machine_arn
from .pagination import page, with_token

LOGGING_OFF = {"level": "OFF", "includeExecutionData": False}
MAX_TAGS = 50


class Machines:
    store: Any
    clock: Any

    # -- lookups ------------------------------------------------------------------------
    def machine_record(self, ref: MachineRef) -> dict | None:
        return self.store.get(
            records.MACHINES, records.machine_key(ref.account, ref.region, ref.name)
        )

    def require_machine(self, arn: str) -> tuple[MachineRef, dict]:
        ref = parse_machine_arn(arn)
        record = self.machine_record(ref)
        if record is None:
            raise machine_not_found(ref.base_arn)
        return ref, record

    # -- operations ------------------------------------------------------------------------
    def create_state_machine(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["name"]
        check_name(name)
        check_role_arn(params["roleArn"])
        kind = params.get("type") or "STANDARD"
        definition = params["definition"]
        parse_or_raise(definition)
        arn = records.machine_arn(ctx.account_id, ctx.region, name)
        key = records.machine_key(ctx.account_id, ctx.region, name)
        tags = _tag_dict(params.get("tags"))
        if len(tags) > MAX_TAGS:
            raise too_many_tags(arn)
        with self.store.transaction() as tx:
            existing = tx.get(records.MACHINES, key)
            if existing is not None:
                same = (
                    existing["definition"] == definition
                    and existing["roleArn"] == params["roleArn"]
                    and existing["type"] == kind
                )
                if not same:
                    raise machine_exists(arn)
                out = {"stateMachineArn": arn, "creationDate": existing["creationDate"]}
                if params.get("publish") and existing.get("latestVersion"):
                    out["stateMachineVersionArn"] = f"{arn}:{existing['latestVersion']}"
                return out
            now = self.clock.now()
            record = {
                "name": name,
                "stateMachineArn": arn,
                "definition": definition,
                "roleArn": params["roleArn"],
                "type": kind,
                "creationDate": now,
                "loggingConfiguration": params.get("loggingConfiguration") or LOGGING_OFF,
                "tracingConfiguration": params.get("tracingConfiguration") or {"enabled": False},
                "revisionId": str(uuid.uuid4()),
                "nextVersion": 1,
            }
            if params.get("encryptionConfiguration"):
                record["encryptionConfiguration"] = params["encryptionConfiguration"]
            out = {"stateMachineArn": arn, "creationDate": now}
            if params.get("publish"):
                out["stateMachineVersionArn"] = self.publish_version(
                    tx, ctx.account_id, ctx.region, record, params.get("versionDescription")
                )["stateMachineVersionArn"]
            tx.put(records.MACHINES, key, record)
            if tags:
                tx.put(records.TAGS, keys.pack(arn), tags)
        return out

    def describe_state_machine(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        ref, record = self.require_machine(params["stateMachineArn"])
        if ref.alias is not None:
            raise invalid_arn(f"Resource type not valid in this context: {ref.alias}")
        if ref.version is not None:
            version = self.version_record(ref)
            if version is None:
                raise machine_not_found(params["stateMachineArn"])
            return _describe(record, version, params["stateMachineArn"])
        return _describe(record, record, record["stateMachineArn"])

    def list_state_machines(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        items = [
            {
                "stateMachineArn": r["stateMachineArn"],
                "name": r["name"],
                "type": r["type"],
                "creationDate": r["creationDate"],
            }
            for _, r in self.store.scan(records.MACHINES, lo, hi)
        ]
        chunk, token = page(items, params)
        return with_token({"stateMachines": chunk}, token)

    def update_state_machine(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        fields = ("definition", "roleArn", "loggingConfiguration", "tracingConfiguration")
        if not any(params.get(f) is not None for f in fields):
            raise _missing_parameter()
        ref = parse_machine_arn(params["stateMachineArn"])
        if ref.version is not None or ref.alias is not None:
            raise validation(
                "Invalid State Machine Arn: only an unqualified state machine ARN can be updated"
            )
        if params.get("definition") is not None:
            parse_or_raise(params["definition"])
        if params.get("roleArn") is not None:
            check_role_arn(params["roleArn"])
        key = records.machine_key(ref.account, ref.region, ref.name)
        with self.store.transaction() as tx:
            record = tx.get(records.MACHINES, key)
            if record is None:
                raise machine_not_found(ref.base_arn)
            changed = False
            for f in fields:
                if params.get(f) is not None and record.get(f) != params[f]:
                    record[f] = params[f]
                    changed = True
            now = self.clock.now()
            if changed:
                record["revisionId"] = str(uuid.uuid4())
                record["updateDate"] = now
            out = {"updateDate": record.get("updateDate", now), "revisionId": record["revisionId"]}
            if params.get("publish"):
                out["stateMachineVersionArn"] = self.publish_version(
                    tx, ref.account, ref.region, record, params.get("versionDescription")
                )["stateMachineVersionArn"]
            tx.put(records.MACHINES, key, record)
        return out

    def delete_state_machine(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        ref = parse_machine_arn(params["stateMachineArn"])
        if ref.version is not None or ref.alias is not None:
            raise validation(
                "Invalid State Machine Arn: use DeleteStateMachineVersion or "
                "DeleteStateMachineAlias for a qualified ARN"
            )
        with self.store.transaction() as tx:
            tx.delete(records.MACHINES, records.machine_key(ref.account, ref.region, ref.name))
            lo, hi = keys.prefix_range(ref.account, ref.region, ref.name)
            for ns in (records.VERSIONS, records.ALIASES):
                for key, _ in list(tx.scan(ns, lo, hi)):
                    tx.delete(ns, key)
            tx.delete(records.TAGS, keys.pack(ref.base_arn))
        return {}

    def validate_state_machine_definition(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict:
        found = diagnostics(params["definition"])
        limit = params.get("maxResults") or 100
        out = {"result": "FAIL" if found else "OK", "diagnostics": found[:limit]}
        if len(found) > limit:
            out["truncated"] = True
        return out

    # -- tags ------------------------------------------------------------------------------
    def _tagged(self, arn: str) -> str:
        """The ARN whose tags these are, after checking the resource exists."""
        if ":activity:" in arn:
            account, region, name = parse_activity_arn(arn)
            if self.store.get(records.ACTIVITIES, records.activity_key(account, region, name)):
                return arn
            raise resource_not_found(arn)
        ref = parse_machine_arn(arn)
        if ref.version is None and ref.alias is None and self.machine_record(ref) is not None:
            return arn
        raise resource_not_found(arn)

    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = self._tagged(params["resourceArn"])
        with self.store.transaction() as tx:
            tags = tx.get(records.TAGS, keys.pack(arn)) or {}
            tags.update(_tag_dict(params["tags"]))
            if len(tags) > MAX_TAGS:
                raise too_many_tags(arn)
            tx.put(records.TAGS, keys.pack(arn), tags)
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = self._tagged(params["resourceArn"])
        with self.store.transaction() as tx:
            tags = tx.get(records.TAGS, keys.pack(arn)) or {}
            for key in params["tagKeys"]:
                tags.pop(key, None)
            tx.put(records.TAGS, keys.pack(arn), tags)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = self._tagged(params["resourceArn"])
        tags = self.store.get(records.TAGS, keys.pack(arn)) or {}
        return {"tags": [{"key": k, "value": v} for k, v in tags.items()]}


def _tag_dict(tags: list[dict] | None) -> dict[str, str]:
    return {t["key"]: t.get("value", "") for t in tags or []}


def _missing_parameter():
    from ...protocol import ServiceError

    return ServiceError(
        "MissingRequiredParameter",
        "Either the definition, the role ARN, the LoggingConfiguration, or the "
        "TracingConfiguration must be specified",
    )


def _describe(machine: dict, source: dict, arn: str) -> dict:
    out = {
        "stateMachineArn": arn,
        "name": machine["name"],
        "status": "ACTIVE",
        "definition": source["definition"],
        "roleArn": source["roleArn"],
        "type": machine["type"],
        "creationDate": source["creationDate"],
        "loggingConfiguration": source.get("loggingConfiguration") or LOGGING_OFF,
        "tracingConfiguration": source.get("tracingConfiguration") or {"enabled": False},
        "revisionId": source["revisionId"],
    }
    if source.get("description"):
        out["description"] = source["description"]
    if source.get("encryptionConfiguration"):
        out["encryptionConfiguration"] = source["encryptionConfiguration"]
    return out
