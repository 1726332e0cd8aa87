"""What every group of DynamoDB operations shares: the store, the clock and table look-ups."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from . import records
from .change_log import ChangeLog
from .errors import resource_not_found, table_not_found


class DynamoDBBase(ChangeLog):
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock

    def table(
        self, ctx_or_account: RequestContext | str, region: str | None, name: str
    ) -> dict[str, Any] | None:
        """The table record (definition, StreamSpecification, LatestStreamArn/Label,
        TimeToLiveDescription, tags), or None when there is no such table."""
        if isinstance(ctx_or_account, RequestContext):
            account, region = ctx_or_account.account_id, region or ctx_or_account.region
        else:
            account = ctx_or_account
        if name.startswith("arn:"):  # every table operation also takes the table's ARN
            parsed = records.parse_table_arn(name)
            if parsed is None or parsed[:2] != (account, region):
                return None
            name = parsed[2]
        return self.store.get(records.TABLES, records.table_key(account, region or "", name))

    def described_table(self, ctx: RequestContext, name: str) -> dict[str, Any]:
        """The table, or the control plane's ResourceNotFoundException."""
        record = self.table(ctx, None, name)
        if record is None:
            raise table_not_found(name)
        return record

    def used_table(self, ctx: RequestContext, name: str) -> dict[str, Any]:
        """The table, or the data plane's ResourceNotFoundException."""
        record = self.table(ctx, None, name)
        if record is None:
            raise resource_not_found()
        return record

    def save_table(self, account: str, region: str, record: dict[str, Any]) -> None:
        self.store.put(
            records.TABLES, records.table_key(account, region, record["TableName"]), record
        )
