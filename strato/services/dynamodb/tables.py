"""CreateTable, DescribeTable, ListTables and DeleteTable."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import records, table_stats
from .base import DynamoDBBase
from .errors import resource_in_use, validation
from .schema import TableSchema
from .storage_keys import index_prefix, table_prefix, whole
from .store_ranges import iter_range
from .table_definition import new_table
from .table_description import describe
from .table_validation import check_create_table


class TableOperations(DynamoDBBase):
    def describe(self, ctx: RequestContext, record: dict[str, Any], **kw: Any) -> dict[str, Any]:
        stats = table_stats.load(self.store, ctx.account_id, ctx.region, record["TableName"])
        return describe(record, stats, ctx.account_id, ctx.region, **kw)

    def create_table(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_create_table(params)
        name = params["TableName"]
        with self.store.transaction():
            if self.table(ctx, None, name) is not None:
                raise resource_in_use(f"Table already exists: {name}")
            record = new_table(params, ctx.account_id, ctx.region, self.clock.now())
            self.save_table(ctx.account_id, ctx.region, record)
        creating = {i["IndexName"]: "CREATING" for i in record.get("GlobalSecondaryIndexes", [])}
        # DynamoDB answers CREATING; the table is usable at once, so it is ACTIVE afterwards.
        return {
            "TableDescription": self.describe(ctx, record, status="CREATING", index_status=creating)
        }

    def describe_table(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        record = self.described_table(ctx, params["TableName"])
        return {"Table": self.describe(ctx, record)}

    def list_tables(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        limit = params.get("Limit", 100)
        if limit > 100:
            raise validation(
                f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                "constraint: Member must have value less than or equal to 100"
            )
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        start = params.get("ExclusiveStartTableName")
        if start:
            lo = records.table_key(ctx.account_id, ctx.region, start) + b"\x00"
        rows = list(self.store.scan(records.TABLES, lo, hi, limit=limit + 1))
        names = [value["TableName"] for _, value in rows[:limit]]
        out: dict[str, Any] = {"TableNames": names}
        if len(rows) > limit:
            out["LastEvaluatedTableName"] = names[-1]
        return out

    def delete_table(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        account, region = ctx.account_id, ctx.region
        with self.store.transaction():
            record = self.described_table(ctx, params["TableName"])
            if record.get("DeletionProtectionEnabled"):
                raise validation(
                    "Resource cannot be deleted as it is currently protected against deletion. "
                    "Disable deletion protection first."
                )
            description = self.describe(ctx, record, status="DELETING")
            name = record["TableName"]
            self._drop_range(records.ITEMS, table_prefix(account, region, name))
            for index in TableSchema.of(record).indexes:
                self._drop_range(records.INDEX, index_prefix(account, region, name, index))
            table_stats.drop(self.store, account, region, name)
            self.store.delete(records.TABLES, records.table_key(account, region, name))
        return {"TableDescription": description}

    def _drop_range(self, ns: str, prefix: bytes) -> None:
        lo, hi = whole(prefix)
        for key, _ in list(iter_range(self.store, ns, lo, hi, chunk=1024)):
            self.store.delete(ns, key)
