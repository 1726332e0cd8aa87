"""Provisioned concurrency: environments of a version or alias initialised ahead of invocations.

The configuration is stored in the function record under "ProvisionedConcurrency", keyed by
qualifier (a version number or an alias), as {"Requested": n, "LastModified": text}. The
runtime keeps the environments (`RuntimeManager.provision`); their state (allocated, READY,
FAILED) is read from it, so after a restart the configuration is provisioned again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from ...store import keys
from . import records
from .base import LambdaBase
from .errors import conflict, invalid

log = logging.getLogger("strato.lambda")

MIN_UNRESERVED = 100  # AWS keeps this much account concurrency unreserved


def _not_configured() -> ServiceError:
    message = "No Provisioned Concurrency Config found for this function"
    return ServiceError("ProvisionedConcurrencyConfigNotFoundException", message, 404, Type="User")


def _only_published() -> ServiceError:
    return invalid("The function resource provided must be an alias or a published version.")


class ProvisionedOperations(LambdaBase):
    _provisioning: set[asyncio.Task]  # provisioning under way (the provider creates the set)

    def put_provisioned_concurrency_config(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p["Qualifier"])
        if qualifier in (None, records.LATEST):
            raise invalid(
                "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
            )
        requested = p["ProvisionedConcurrentExecutions"]
        with self.store.transaction():
            record = self.function(ctx, name)
            self.check_qualifier(ctx, record, qualifier)
            configs = record.setdefault("ProvisionedConcurrency", {})
            self._check_provisioned_limits(ctx, record, configs, qualifier, requested)
            aliases = record.get("Aliases") or {}
            if qualifier in aliases and aliases[qualifier]["FunctionVersion"] in configs:
                raise conflict(
                    "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version"
                )
            if qualifier.isdigit() and any(
                a["FunctionVersion"] == qualifier and q in configs for q, a in aliases.items()
            ):
                raise conflict("Version is pointed by a Provisioned Concurrency alias")
            config = {"Requested": requested, "LastModified": _stamp(self.clock.now())}
            configs[qualifier] = config
            self.save(ctx, record)
        self._provision(ctx, record, qualifier, requested)
        return {
            "RequestedProvisionedConcurrentExecutions": requested,
            "AvailableProvisionedConcurrentExecutions": 0,
            "AllocatedProvisionedConcurrentExecutions": 0,
            "Status": "IN_PROGRESS",
            "LastModified": config["LastModified"],
            "_status": 202,
        }

    def get_provisioned_concurrency_config(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p["Qualifier"])
        if qualifier in (None, records.LATEST):
            raise _only_published()
        record = self.function(ctx, name)
        self.check_qualifier(ctx, record, qualifier)
        config = (record.get("ProvisionedConcurrency") or {}).get(qualifier)
        if config is None:
            raise _not_configured()
        self.reconcile_provisioned(ctx.account_id, ctx.region, name)
        return self._provisioned_out(ctx, record, qualifier, config)

    def list_provisioned_concurrency_configs(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        record = self.function(ctx, name)
        self.reconcile_provisioned(ctx.account_id, ctx.region, name)
        items = [
            {
                "FunctionArn": records.function_arn(ctx, ctx.region, name, qualifier),
                **self._provisioned_out(ctx, record, qualifier, config),
            }
            for qualifier, config in (record.get("ProvisionedConcurrency") or {}).items()
            if self._provisioned_version(record, qualifier) is not None  # its alias is gone
        ]
        start = int(p["Marker"]) if (p.get("Marker") or "").isdigit() else 0
        limit = p.get("MaxItems") or 50
        out: dict[str, Any] = {"ProvisionedConcurrencyConfigs": items[start : start + limit]}
        if start + limit < len(items):
            out["NextMarker"] = str(start + limit)
        return out

    def delete_provisioned_concurrency_config(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p["Qualifier"])
        if qualifier in (None, records.LATEST):
            raise _only_published()
        with self.store.transaction():
            record = self.function(ctx, name)
            self.check_qualifier(ctx, record, qualifier)
            if (record.get("ProvisionedConcurrency") or {}).pop(qualifier, None) is not None:
                self.save(ctx, record)
        self.reconcile_provisioned(ctx.account_id, ctx.region, name)
        return {"_status": 204}

    # -- keeping the runtime in step with the configuration ---------------------------
    def reconcile_provisioned(self, account_id: str, region: str, name: str) -> None:
        """Provision what is configured and not yet running, release what is no longer configured
        (a deleted config, version or function, an alias moved to another version)."""
        ctx = RequestContext(account_id, region, "", None, "", service="lambda")
        record = self.store.get(records.FUNCTIONS, records.function_key(account_id, region, name))
        wanted: dict[tuple[str, str, str, str], tuple[str, int]] = {}
        for qualifier, config in ((record or {}).get("ProvisionedConcurrency") or {}).items():
            version = self._provisioned_version(record, qualifier)
            if version is not None:
                wanted[(account_id, region, name, version)] = (qualifier, config["Requested"])
        for key in [k for k in self.runtime.provisioned if k[:3] == (account_id, region, name)]:
            if key not in wanted:
                self.runtime.release(key)
        for key, (qualifier, count) in wanted.items():
            running = self.runtime.provisioned.get(key)
            if running is None or running.count != count:
                self._provision(ctx, record, qualifier, count)

    def restore_provisioned(self) -> None:
        """After a restart: provision every configured version again."""
        for raw, record in self.store.scan(records.FUNCTIONS):
            if record.get("ProvisionedConcurrency"):
                account_id, region, name = keys.unpack(raw)
                self.reconcile_provisioned(account_id, region, name)

    def _provision(
        self, ctx: RequestContext, record: dict[str, Any], qualifier: str, count: int
    ) -> None:
        version = self._provisioned_version(record, qualifier)
        try:
            spec = self.function_spec(ctx, self.version_config(ctx, record, version))
        except ServiceError as e:
            log.warning(
                "cannot provision %s:%s: %s", record["Configuration"]["FunctionName"], qualifier, e
            )
            return
        task = asyncio.get_running_loop().create_task(self.runtime.provision(spec, count))
        self._provisioning.add(task)  # held, so the task is not collected before it ends
        task.add_done_callback(self._provisioning.discard)

    def _provisioned_version(self, record: dict[str, Any], qualifier: str) -> str | None:
        if qualifier.isdigit():
            return qualifier
        alias = (record.get("Aliases") or {}).get(qualifier)
        return alias["FunctionVersion"] if alias else None

    def _provisioned_out(
        self, ctx: RequestContext, record: dict[str, Any], qualifier: str, config: dict[str, Any]
    ) -> dict[str, Any]:
        name = record["Configuration"]["FunctionName"]
        version = self._provisioned_version(record, qualifier)
        ready, failure = self.runtime.provisioned_state((ctx.account_id, ctx.region, name, version))
        requested = config["Requested"]
        allocated = min(ready, requested)
        status = "READY" if allocated >= requested else "FAILED" if failure else "IN_PROGRESS"
        out = {
            "RequestedProvisionedConcurrentExecutions": requested,
            "AvailableProvisionedConcurrentExecutions": allocated,
            "AllocatedProvisionedConcurrentExecutions": allocated,
            "Status": status,
            "LastModified": config["LastModified"],
        }
        if status == "FAILED":
            out["StatusReason"] = failure
        return out

    def _check_provisioned_limits(
        self,
        ctx: RequestContext,
        record: dict[str, Any],
        configs: dict[str, Any],
        qualifier: str,
        requested: int,
    ) -> None:
        others = sum(c["Requested"] for q, c in configs.items() if q != qualifier)
        reserved = record.get("ReservedConcurrency")
        if reserved is not None and reserved < others + requested:
            raise invalid(
                "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function"
            )
        limit = self.platform.settings.lambda_concurrency_limit
        if requested > limit:
            raise invalid(
                f"Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [{limit}]."
            )
        if limit - self._reserved_total(ctx) - requested < MIN_UNRESERVED:
            raise invalid(
                "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
                f"below its minimum value of [{MIN_UNRESERVED}]."
            )


def _stamp(now: float) -> str:
    """Provisioned concurrency's LastModified text: 2019-12-31T20:28:49+0000."""
    return dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
