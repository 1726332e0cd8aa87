"""State every group of CloudWatch Logs operations shares: the store, the clock, look-ups."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from . import records
from .errors import group_not_found, invalid_parameter, stream_not_found


class LogsBase:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def group(self, account: str, region: str, name: str, store: Any = None) -> dict[str, Any]:
        record = (store or self.store).get(records.GROUPS, records.group_key(account, region, name))
        if record is None:
            raise group_not_found()
        return record

    def stream(
        self, account: str, region: str, group: str, name: str, store: Any = None
    ) -> dict[str, Any]:
        key = records.stream_key(account, region, group, name)
        record = (store or self.store).get(records.STREAMS, key)
        if record is None:
            raise stream_not_found()
        return record

    def save_group(self, ctx: RequestContext, record: dict[str, Any], store: Any = None) -> None:
        key = records.group_key(ctx.account_id, ctx.region, record["logGroupName"])
        (store or self.store).put(records.GROUPS, key, record)

    def group_name(self, ctx: RequestContext, params: dict[str, Any]) -> str:
        """The group an operation names, by `logGroupName` or `logGroupIdentifier` (name or ARN)."""
        name = params.get("logGroupName")
        ident = params.get("logGroupIdentifier")
        if name is not None and ident is not None:
            raise invalid_parameter(
                "LogGroup name and LogGroup ARN are mutually exclusive parameters."
            )
        if name is not None:
            return name
        if ident is None:
            raise invalid_parameter("Either logGroupName or logGroupIdentifier must be specified.")
        if not ident.startswith("arn:"):
            return ident
        return self.group_name_from_arn(ctx, ident)

    def group_name_from_arn(self, ctx: RequestContext, arn: str) -> str:
        parts = arn.split(":", 5)
        if len(parts) < 6 or parts[2] != "logs" or not parts[5].startswith("log-group:"):
            raise invalid_parameter(f"Invalid ARN: {arn}")
        if parts[3] != ctx.region or parts[4] != ctx.account_id:
            raise group_not_found()
        name = parts[5][len("log-group:") :]
        return name[:-2] if name.endswith(":*") else name
