"""What every group of Lambda operations shares: the store, the clock, and function look-ups."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from . import records
from .errors import not_found, resource_not_found


class LambdaBase:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock

    def function(self, ctx: RequestContext, name: str) -> dict[str, Any]:
        record = self.store.get(
            records.FUNCTIONS, records.function_key(ctx.account_id, ctx.region, name)
        )
        if record is None:
            raise not_found(records.function_arn(ctx, ctx.region, name))
        return record

    def save(self, ctx: RequestContext, record: dict[str, Any]) -> None:
        name = record["Configuration"]["FunctionName"]
        self.store.put(
            records.FUNCTIONS, records.function_key(ctx.account_id, ctx.region, name), record
        )

    def version_config(
        self, ctx: RequestContext, record: dict[str, Any], qualifier: str | None
    ) -> dict[str, Any]:
        """The configuration a qualifier ($LATEST, a version, an alias) points at."""
        name = record["Configuration"]["FunctionName"]
        if qualifier in (None, records.LATEST):
            return record["Configuration"]
        if qualifier.isdigit():
            found = self.store.get(
                records.VERSIONS, records.version_key(ctx.account_id, ctx.region, name, qualifier)
            )
            if found is None:
                raise not_found(records.function_arn(ctx, ctx.region, name, qualifier))
            return found["Configuration"]
        alias = (record.get("Aliases") or {}).get(qualifier)
        if alias is None:
            raise not_found(records.function_arn(ctx, ctx.region, name, qualifier))
        return self.version_config(ctx, record, alias["FunctionVersion"])

    def check_qualifier(
        self, ctx: RequestContext, record: dict[str, Any], qualifier: str | None
    ) -> None:
        """That a qualifier names an existing alias or version, with the errors policy and concurrency APIs give."""
        if qualifier in (None, records.LATEST):
            return
        name = record["Configuration"]["FunctionName"]
        arn = records.function_arn(ctx, ctx.region, name, qualifier)
        if not qualifier.isdigit():
            if qualifier not in (record.get("Aliases") or {}):
                raise resource_not_found(f"Cannot find alias arn: {arn}")
        elif (
            self.store.get(
                records.VERSIONS, records.version_key(ctx.account_id, ctx.region, name, qualifier)
            )
            is None
        ):
            raise not_found(arn)
