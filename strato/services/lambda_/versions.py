"""Published versions, aliases (with weighted routing) and reserved concurrency."""

from __future__ import annotations

import copy
import random
import re
import uuid
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import records
from .base import LambdaBase
from .errors import conflict, invalid, not_found, revision_mismatch

_ALIAS = re.compile(r"^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$")


class VersionOperations(LambdaBase):
    def _publish(
        self, ctx: RequestContext, record: dict[str, Any], description: str | None
    ) -> dict[str, Any]:
        """Snapshot $LATEST as the next version (inside the caller's transaction)."""
        name = record["Configuration"]["FunctionName"]
        number = str(record.get("NextVersion", 1))
        config = copy.deepcopy(record["Configuration"])
        config["Version"] = number
        config["FunctionArn"] = records.function_arn(ctx, ctx.region, name, number)
        config["RevisionId"] = str(uuid.uuid4())
        if description is not None:
            config["Description"] = description
        self.store.put(
            records.VERSIONS,
            records.version_key(ctx.account_id, ctx.region, name, number),
            {"Configuration": config, "Code": dict(record["Code"])},
        )
        self.store.attach_blob(record["Code"]["Blob"])
        record["NextVersion"] = int(number) + 1
        self.save(ctx, record)
        return config

    def publish_version(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        with self.store.transaction():
            record = self.function(ctx, name)
            latest = record["Configuration"]
            if p.get("CodeSha256") and p["CodeSha256"] != latest["CodeSha256"]:
                raise invalid(
                    f"CodeSHA256 ({p['CodeSha256']}) is different from current CodeSHA256 in $LATEST ({latest['CodeSha256']}). Please try again with the CodeSHA256 in $LATEST."
                )
            if p.get("RevisionId") and p["RevisionId"] != latest["RevisionId"]:
                raise revision_mismatch()
            newest = self._newest_version(ctx, name)
            if newest is not None and _same_code_and_config(newest["Configuration"], latest):
                return newest["Configuration"]  # AWS does not publish an unchanged $LATEST twice
            return self._publish(ctx, record, p.get("Description"))

    def _newest_version(self, ctx: RequestContext, name: str) -> dict[str, Any] | None:
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, name)
        for _, version in self.store.scan(records.VERSIONS, lo, hi, reverse=True, limit=1):
            return version
        return None

    def list_versions_by_function(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        record = self.function(ctx, name)
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, name)
        versions = [record["Configuration"]] + [
            v["Configuration"] for _, v in self.store.scan(records.VERSIONS, lo, hi)
        ]
        start = int(p["Marker"]) if (p.get("Marker") or "").isdigit() else 0
        limit = p.get("MaxItems") or 50
        page = versions[start : start + limit]
        out: dict[str, Any] = {"Versions": page}
        if start + limit < len(versions):
            out["NextMarker"] = str(start + limit)
        return out

    # -- aliases -------------------------------------------------------------------------
    def _alias_out(self, ctx: RequestContext, name: str, alias: dict[str, Any]) -> dict[str, Any]:
        return {"AliasArn": records.function_arn(ctx, ctx.region, name, alias["Name"]), **alias}

    def _check_alias_target(
        self, ctx: RequestContext, record: dict[str, Any], version: str, routing: dict | None
    ) -> None:
        self.version_config(ctx, record, version)
        weights = (routing or {}).get("AdditionalVersionWeights") or {}
        for extra, weight in weights.items():
            self.version_config(ctx, record, extra)
            if extra == version:
                raise invalid(
                    "Invalid function version: the alias's primary version cannot also take routed traffic."
                )
            if not 0 <= weight <= 1:
                raise invalid("Invalid weight: weights must be between 0.0 and 1.0")

    def create_alias(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        if not _ALIAS.match(p["Name"]):
            raise invalid(f"Alias name {p['Name']} is invalid")
        with self.store.transaction():
            record = self.function(ctx, name)
            aliases = record.setdefault("Aliases", {})
            if p["Name"] in aliases:
                raise conflict(
                    f"Alias already exists: {records.function_arn(ctx, ctx.region, name, p['Name'])}"
                )
            self._check_alias_target(ctx, record, p["FunctionVersion"], p.get("RoutingConfig"))
            alias = {
                "Name": p["Name"],
                "FunctionVersion": p["FunctionVersion"],
                "Description": p.get("Description", ""),
                "RevisionId": str(uuid.uuid4()),
            }
            if p.get("RoutingConfig"):
                alias["RoutingConfig"] = p["RoutingConfig"]
            aliases[p["Name"]] = alias
            self.save(ctx, record)
        return {**self._alias_out(ctx, name, alias), "_status": 201}

    def get_alias(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        alias = (self.function(ctx, name).get("Aliases") or {}).get(p["Name"])
        if alias is None:
            raise not_found(records.function_arn(ctx, ctx.region, name, p["Name"]), "Alias")
        return self._alias_out(ctx, name, alias)

    def update_alias(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        with self.store.transaction():
            record = self.function(ctx, name)
            alias = (record.get("Aliases") or {}).get(p["Name"])
            if alias is None:
                raise not_found(records.function_arn(ctx, ctx.region, name, p["Name"]), "Alias")
            if p.get("RevisionId") and p["RevisionId"] != alias["RevisionId"]:
                raise revision_mismatch()
            version = p.get("FunctionVersion", alias["FunctionVersion"])
            routing = p.get("RoutingConfig", alias.get("RoutingConfig"))
            self._check_alias_target(ctx, record, version, routing)
            alias.update(FunctionVersion=version, RevisionId=str(uuid.uuid4()))
            if "Description" in p:
                alias["Description"] = p["Description"]
            if "RoutingConfig" in p:
                alias["RoutingConfig"] = p["RoutingConfig"]
            self.save(ctx, record)
        return self._alias_out(ctx, name, alias)

    def delete_alias(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        with self.store.transaction():
            record = self.function(ctx, name)
            (record.get("Aliases") or {}).pop(p["Name"], None)
            self.save(ctx, record)
        return {"_status": 204}

    def list_aliases(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        aliases = [
            a
            for a in (self.function(ctx, name).get("Aliases") or {}).values()
            if not p.get("FunctionVersion") or a["FunctionVersion"] == p["FunctionVersion"]
        ]
        return {
            "Aliases": [
                self._alias_out(ctx, name, a) for a in sorted(aliases, key=lambda a: a["Name"])
            ]
        }

    def route_alias(self, record: dict[str, Any], qualifier: str | None) -> str | None:
        """The version an invoke of `qualifier` runs; weighted aliases pick at random."""
        alias = (record.get("Aliases") or {}).get(qualifier or "")
        if alias is None:
            return qualifier
        roll = random.random()
        for version, weight in (
            (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
        ).items():
            if roll < weight:
                return version
            roll -= weight
        return alias["FunctionVersion"]

    # -- concurrency ------------------------------------------------------------------
    def put_function_concurrency(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        reserved = p["ReservedConcurrentExecutions"]
        limit = self.platform.settings.lambda_concurrency_limit
        with self.store.transaction():
            record = self.function(ctx, name)
            others = self._reserved_total(ctx, exclude=name)
            if reserved > limit - 100 - others and reserved != 0:
                raise invalid(
                    "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."
                )
            record["ReservedConcurrency"] = reserved
            self.save(ctx, record)
        return {"ReservedConcurrentExecutions": reserved}

    def get_function_concurrency(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        reserved = self.function(ctx, name).get("ReservedConcurrency")
        return {} if reserved is None else {"ReservedConcurrentExecutions": reserved}

    def delete_function_concurrency(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        with self.store.transaction():
            record = self.function(ctx, name)
            record.pop("ReservedConcurrency", None)
            self.save(ctx, record)
        return {"_status": 204}

    def _reserved_total(self, ctx: RequestContext, exclude: str | None = None) -> int:
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        return sum(
            r.get("ReservedConcurrency") or 0
            for _, r in self.store.scan(records.FUNCTIONS, lo, hi)
            if r["Configuration"]["FunctionName"] != exclude
        )

    def get_account_settings(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        limit = self.platform.settings.lambda_concurrency_limit
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        count = 0
        size = 0
        for _, r in self.store.scan(records.FUNCTIONS, lo, hi):
            count += 1
            size += r["Configuration"]["CodeSize"]
        return {
            "AccountLimit": {
                "TotalCodeSize": 80530636800,
                "CodeSizeUnzipped": 262144000,
                "CodeSizeZipped": 52428800,
                "ConcurrentExecutions": limit,
                "UnreservedConcurrentExecutions": limit - self._reserved_total(ctx),
            },
            "AccountUsage": {"TotalCodeSize": size, "FunctionCount": count},
        }


def _same_code_and_config(published: dict[str, Any], latest: dict[str, Any]) -> bool:
    ignore = {"Version", "FunctionArn", "RevisionId", "LastModified", "State", "LastUpdateStatus"}
    return {k: v for k, v in published.items() if k not in ignore} == {
        k: v for k, v in latest.items() if k not in ignore
    }
