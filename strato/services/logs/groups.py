"""Log groups: create, delete, describe, retention and tags."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import event_log, records, tagging, tokens
from .base import LogsBase
from .constraints import validated
from .errors import group_exists, invalid_parameter

DESCRIBE_LIMIT = 50


class LogGroupOperations(LogsBase):
    @validated
    def create_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["logGroupName"]
        tags = params.get("tags") or {}
        tagging.check_tags(
            tags
        )  # the count (at most 50) is the model's limit, checked by @validated
        key = records.group_key(ctx.account_id, ctx.region, name)
        with self.store.transaction() as tx:
            if tx.get(records.GROUPS, key) is not None:
                raise group_exists()
            record = event_log.new_group(
                name,
                self.now_ms(),
                kmsKeyId=params.get("kmsKeyId"),
                logGroupClass=params.get("logGroupClass"),
                tags=dict(tags),
            )
            tx.put(records.GROUPS, key, record)
        return {}

    @validated
    def delete_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["logGroupName"]
        a, r = ctx.account_id, ctx.region
        with self.store.transaction() as tx:
            self.group(a, r, name, tx)
            prefix = records.group_key(a, r, name)
            for ns in (
                records.EVENTS,
                records.STREAMS,
                records.SUBSCRIPTIONS,
                records.METRIC_FILTERS,
            ):
                event_log.delete_prefix(tx, ns, prefix)
            tx.delete(records.GROUPS, prefix)
        return {}

    @validated
    def describe_log_groups(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        prefix = params.get("logGroupNamePrefix")
        pattern = params.get("logGroupNamePattern")
        if prefix is not None and pattern is not None:
            raise invalid_parameter(
                "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."
            )
        idents = params.get("logGroupIdentifiers")
        wanted = {self._ident_name(ctx, i) for i in idents} if idents else None
        needle = pattern.lower() if pattern else None
        group_class = params.get("logGroupClass")
        limit = params.get("limit", DESCRIBE_LIMIT)
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, partial=prefix or "")
        after = tokens.decode(params.get("nextToken"), str)
        if after is not None:
            lo = max(lo, keys.after(records.group_key(ctx.account_id, ctx.region, after)))
        found: list[dict] = []
        more = False
        for _, group in event_log.scan(self.store, lo, hi, ns=records.GROUPS):
            name = group["logGroupName"]
            if needle is not None and needle not in name.lower():
                continue
            if wanted is not None and name not in wanted:
                continue
            if group_class is not None and group.get("logGroupClass") != group_class:
                continue
            if len(found) == limit:
                more = True
                break
            found.append(group)
        out: dict[str, Any] = {"logGroups": [self._describe_group(ctx, g) for g in found]}
        if more:
            out["nextToken"] = tokens.encode(found[-1]["logGroupName"])
        return out

    def _ident_name(self, ctx: RequestContext, ident: str) -> str:
        return self.group_name_from_arn(ctx, ident) if ident.startswith("arn:") else ident

    def _describe_group(self, ctx: RequestContext, group: dict[str, Any]) -> dict[str, Any]:
        arn = records.group_arn(ctx.account_id, ctx.region, group["logGroupName"])
        out = {
            "logGroupName": group["logGroupName"],
            "creationTime": group["creationTime"],
            "metricFilterCount": group.get("metricFilterCount", 0),
            "arn": arn + ":*",
            "logGroupArn": arn,
            "storedBytes": group.get("storedBytes", 0),
            "logGroupClass": group.get("logGroupClass", "STANDARD"),
        }
        for optional in ("retentionInDays", "kmsKeyId"):
            if optional in group:
                out[optional] = group[optional]
        return out

    # -- retention -------------------------------------------------------------
    @validated
    def put_retention_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        days = params["retentionInDays"]
        if days not in records.RETENTION_DAYS:
            allowed = ", ".join(str(d) for d in records.RETENTION_DAYS)
            raise invalid_parameter(
                f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to "
                f"satisfy constraint: Member must satisfy enum value set: [{allowed}]"
            )
        self._update_group(ctx, params["logGroupName"], retentionInDays=days)
        return {}

    @validated
    def delete_retention_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        self._update_group(ctx, params["logGroupName"], retentionInDays=None)
        return {}

    def _update_group(self, ctx: RequestContext, name: str, **changes: Any) -> dict:
        with self.store.transaction() as tx:
            group = self.group(ctx.account_id, ctx.region, name, tx)
            for k, v in changes.items():
                if v is None:
                    group.pop(k, None)
                else:
                    group[k] = v
            self.save_group(ctx, group, tx)
        return group

    # -- tags ------------------------------------------------------------------
    @validated
    def tag_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        self._tag(ctx, params["logGroupName"], params["tags"])
        return {}

    @validated
    def untag_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        self._untag(ctx, params["logGroupName"], params["tags"])
        return {}

    @validated
    def list_tags_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        group = self.group(ctx.account_id, ctx.region, params["logGroupName"])
        return {"tags": group.get("tags", {})}

    @validated
    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        self._tag(ctx, self.group_name_from_arn(ctx, params["resourceArn"]), params["tags"])
        return {}

    @validated
    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = self.group_name_from_arn(ctx, params["resourceArn"])
        self._untag(ctx, name, params["tagKeys"])
        return {}

    @validated
    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = self.group_name_from_arn(ctx, params["resourceArn"])
        return {"tags": self.group(ctx.account_id, ctx.region, name).get("tags", {})}

    def _tag(self, ctx: RequestContext, name: str, tags: dict[str, str]) -> None:
        with self.store.transaction() as tx:
            group = self.group(ctx.account_id, ctx.region, name, tx)
            arn = records.group_arn(ctx.account_id, ctx.region, name)
            group["tags"] = tagging.merged(group.get("tags", {}), tags, arn)
            self.save_group(ctx, group, tx)

    def _untag(self, ctx: RequestContext, name: str, tag_keys: list[str]) -> None:
        with self.store.transaction() as tx:
            group = self.group(ctx.account_id, ctx.region, name, tx)
            group["tags"] = {k: v for k, v in group.get("tags", {}).items() if k not in tag_keys}
            self.save_group(ctx, group, tx)
