"""UpdateTable: billing mode and throughput, streams, global secondary indexes (created with a
backfill of the existing items), SSE, table class and deletion protection."""

from __future__ import annotations

import copy
from typing import Any

from ...auth import RequestContext
from . import index_definitions as index_defs
from . import records, table_stats
from .attribute_values import item_size
from .errors import invalid, validation
from .global_index_updates import apply_index_updates
from .item_codec import to_stored
from .item_keys import entry_key
from .item_writes import ItemWrites
from .schema import TableSchema
from .shape_checks import ShapeErrors
from .storage_keys import index_prefix
from .table_definition import disable_stream, enable_stream, sse_description, throughput
from .table_validation import BILLING_MODES, STREAM_VIEW_TYPES, TABLE_CLASSES, check_sse
from .tables import TableOperations

_CHANGES = (
    "ProvisionedThroughput",
    "BillingMode",
    "StreamSpecification",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "ReplicaUpdates",
    "DeletionProtectionEnabled",
    "OnDemandThroughput",
    "WarmThroughput",
    "TableClass",
)
_NOTHING = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
    "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
    "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, "
    "OnDemandThroughput, WarmThroughput or TableClass is required"
)


class TableUpdates(TableOperations, ItemWrites):
    def update_table(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        _check_shapes(params)
        if not any(params.get(field) is not None for field in _CHANGES):
            raise validation(_NOTHING)
        with self.store.transaction():
            record = self.described_table(ctx, params["TableName"])
            updated = copy.deepcopy(record)
            _update_billing(updated, params, self.clock.now())
            gsi_updates = params.get("GlobalSecondaryIndexUpdates") or []
            if gsi_updates and params.get("StreamSpecification") is not None:
                raise invalid("You cannot create or delete index while changing stream status")
            created, dropped = apply_index_updates(updated, gsi_updates, params)
            _update_stream(updated, params.get("StreamSpecification"), self.clock.now())
            if params.get("SSESpecification") is not None:
                check_sse(params["SSESpecification"])
                sse = sse_description(params["SSESpecification"], ctx.account_id, ctx.region)
                if sse is None:
                    updated.pop("SSEDescription", None)
                else:
                    updated["SSEDescription"] = sse
            if params.get("TableClass") is not None:
                updated["TableClass"] = params["TableClass"]
            if params.get("DeletionProtectionEnabled") is not None:
                updated["DeletionProtectionEnabled"] = params["DeletionProtectionEnabled"]
            if params.get("OnDemandThroughput") is not None:
                updated["OnDemandThroughput"] = params["OnDemandThroughput"]
            for name in dropped:
                self._drop_index(ctx, updated, name)
            self.save_table(ctx.account_id, ctx.region, updated)
            for name in created:
                self._backfill(ctx, updated, name)
        return {
            "TableDescription": self.describe(
                ctx,
                updated,
                status="UPDATING",
                index_status={name: "CREATING" for name in created},
                dropped=[
                    i for i in record.get("GlobalSecondaryIndexes", []) if i["IndexName"] in dropped
                ],
            )
        }

    def _backfill(self, ctx: RequestContext, record: dict[str, Any], name: str) -> None:
        """Index every existing item that carries the new index's keys."""
        account, region = ctx.account_id, ctx.region
        schema = TableSchema.of(record)
        index = schema.indexes[name]
        prefix = index_prefix(account, region, schema.name, name)
        count = size = 0
        for item in list(self.scan_items(account, region, schema.name)):
            key = entry_key(prefix, index, item)
            if key is None:
                continue
            entry = index.project(item)
            self.store.put(records.INDEX, key, to_stored(entry))
            count += 1
            size += item_size(entry)
        table_stats.set_index(self.store, account, region, schema.name, name, (count, size))

    def _drop_index(self, ctx: RequestContext, record: dict[str, Any], name: str) -> None:
        prefix = index_prefix(ctx.account_id, ctx.region, record["TableName"], name)
        self._drop_range(records.INDEX, prefix)
        table_stats.set_index(
            self.store, ctx.account_id, ctx.region, record["TableName"], name, None
        )


def _check_shapes(params: dict[str, Any]) -> None:
    errors = ShapeErrors()
    errors.enum(params.get("BillingMode"), "billingMode", BILLING_MODES)
    stream = params.get("StreamSpecification") or {}
    errors.enum(
        stream.get("StreamViewType"), "streamSpecification.streamViewType", STREAM_VIEW_TYPES
    )
    for i, update in enumerate(params.get("GlobalSecondaryIndexUpdates") or [], 1):
        if update.get("Create"):
            index_defs.shape_errors(
                errors, update["Create"], f"globalSecondaryIndexUpdates.{i}.member.create"
            )
    errors.raise_any()
    table_class = params.get("TableClass")
    if table_class is not None and table_class not in TABLE_CLASSES:
        raise validation(
            "Invalid table-class parameter provided. Please try again with a valid table-class "
            "value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."
        )


def _update_billing(record: dict[str, Any], params: dict[str, Any], now: float) -> None:
    current = record["BillingMode"]
    billing = params.get("BillingMode") or current
    wanted = params.get("ProvisionedThroughput")
    if billing == "PAY_PER_REQUEST":
        if wanted is not None:
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                "BillingMode is PAY_PER_REQUEST"
            )
        if current != billing:
            record["BillingMode"] = billing
            record["BillingModeChanged"] = True
            record["LastUpdateToPayPerRequestDateTime"] = now
            record["ProvisionedThroughput"] = throughput(None)
            for index in record.get("GlobalSecondaryIndexes", []):
                index["ProvisionedThroughput"] = throughput(None)
        return
    if current != billing:
        if wanted is None:
            raise invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
        record["BillingMode"] = billing
        record["BillingModeChanged"] = True
        updates = {
            u["Update"]["IndexName"]: u["Update"]
            for u in params.get("GlobalSecondaryIndexUpdates") or []
            if u.get("Update")
        }
        for index in record.get("GlobalSecondaryIndexes", []):
            given = updates.get(index["IndexName"], {}).get("ProvisionedThroughput")
            if given is None:
                raise invalid(
                    f"ProvisionedThroughput must be specified for index: {index['IndexName']}"
                )
            index["ProvisionedThroughput"] = throughput(given)
    if wanted is None:
        return
    old = record["ProvisionedThroughput"]
    if current == billing and (
        old["ReadCapacityUnits"] == wanted["ReadCapacityUnits"]
        and old["WriteCapacityUnits"] == wanted["WriteCapacityUnits"]
    ):
        raise validation(
            "The provisioned throughput for the table will not change. The requested value "
            "equals the current value. Current ReadCapacityUnits provisioned for the table: "
            f"{old['ReadCapacityUnits']}. Requested ReadCapacityUnits: "
            f"{wanted['ReadCapacityUnits']}. Current WriteCapacityUnits provisioned for the "
            f"table: {old['WriteCapacityUnits']}. Requested WriteCapacityUnits: "
            f"{wanted['WriteCapacityUnits']}. Refer to the Amazon DynamoDB Developer Guide for "
            "current limits and how to request higher limits."
        )
    new = throughput(wanted)
    stamp = "LastIncreaseDateTime" if _total(new) >= _total(old) else "LastDecreaseDateTime"
    record["ProvisionedThroughput"] = {**new, stamp: now}


def _total(value: dict[str, Any]) -> int:
    return value["ReadCapacityUnits"] + value["WriteCapacityUnits"]


def _update_stream(record: dict[str, Any], stream: dict[str, Any] | None, now: float) -> None:
    if stream is None:
        return
    enabled = bool((record.get("StreamSpecification") or {}).get("StreamEnabled"))
    view = stream.get("StreamViewType")
    if stream.get("StreamEnabled"):
        if enabled:
            raise validation(
                f"Table already has an enabled stream: TableName: {record['TableName']}"
            )
        if view is None:
            raise invalid("If stream is being enabled then UpdateViewType is required")
        enable_stream(record, view, now)
        return
    if view is not None:
        raise invalid("If stream is being disabled, then UpdateViewType must not be specified")
    if not enabled:
        raise validation(f"Table has no stream to disable: TableName: {record['TableName']}")
    disable_stream(record)
