"""A table record as DescribeTable (and CreateTable, UpdateTable, DeleteTable) report it."""

from __future__ import annotations

from typing import Any

from . import records


def describe(
    record: dict[str, Any],
    stats: dict[str, Any],
    account: str,
    region: str,
    status: str = "ACTIVE",
    index_status: dict[str, str] | None = None,
    dropped: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The TableDescription; `index_status` overrides GSI statuses (CREATING), `dropped`
    lists GSIs just deleted (reported once, as DELETING)."""
    index_status = index_status or {}
    count, size = stats["Items"]
    out: dict[str, Any] = {
        "AttributeDefinitions": record["AttributeDefinitions"],
        "TableName": record["TableName"],
        "KeySchema": record["KeySchema"],
        "TableStatus": status,
        "CreationDateTime": record["CreationDateTime"],
        "ProvisionedThroughput": _throughput(record["ProvisionedThroughput"]),
        "TableSizeBytes": size,
        "ItemCount": count,
        "TableArn": record["TableArn"],
        "TableId": record["TableId"],
        "DeletionProtectionEnabled": record.get("DeletionProtectionEnabled", False),
    }
    if record["BillingMode"] == "PAY_PER_REQUEST" or "BillingModeChanged" in record:
        summary: dict[str, Any] = {"BillingMode": record["BillingMode"]}
        if record.get("LastUpdateToPayPerRequestDateTime"):
            summary["LastUpdateToPayPerRequestDateTime"] = record[
                "LastUpdateToPayPerRequestDateTime"
            ]
        out["BillingModeSummary"] = summary
    name = record["TableName"]
    if record.get("LocalSecondaryIndexes"):
        out["LocalSecondaryIndexes"] = [
            {
                **_index_common(index, stats),
                "IndexArn": records.index_arn(account, region, name, index["IndexName"]),
            }
            for index in record["LocalSecondaryIndexes"]
        ]
    gsis = [
        _global(index, stats, account, region, name, index_status) for index in _globals(record)
    ]
    gsis += [
        {**_global(index, stats, account, region, name, index_status), "IndexStatus": "DELETING"}
        for index in dropped or []
    ]
    if gsis:
        out["GlobalSecondaryIndexes"] = gsis
    stream = record.get("StreamSpecification")
    if stream and stream.get("StreamEnabled"):
        out["StreamSpecification"] = stream
    if record.get("LatestStreamArn"):
        out["LatestStreamLabel"] = record["LatestStreamLabel"]
        out["LatestStreamArn"] = record["LatestStreamArn"]
    if record.get("SSEDescription"):
        out["SSEDescription"] = record["SSEDescription"]
    if record.get("TableClass"):
        out["TableClassSummary"] = {"TableClass": record["TableClass"]}
    if record.get("OnDemandThroughput"):
        out["OnDemandThroughput"] = record["OnDemandThroughput"]
    return out


def _globals(record: dict[str, Any]) -> list[dict[str, Any]]:
    return record.get("GlobalSecondaryIndexes") or []


def _throughput(value: dict[str, Any]) -> dict[str, Any]:
    out = {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": value["ReadCapacityUnits"],
        "WriteCapacityUnits": value["WriteCapacityUnits"],
    }
    for field in ("LastIncreaseDateTime", "LastDecreaseDateTime"):
        if value.get(field):
            out[field] = value[field]
    return out


def _index_common(index: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    count, size = stats["Indexes"].get(index["IndexName"], [0, 0])
    return {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
        "IndexSizeBytes": size,
        "ItemCount": count,
    }


def _global(
    index: dict[str, Any],
    stats: dict[str, Any],
    account: str,
    region: str,
    table: str,
    index_status: dict[str, str],
) -> dict[str, Any]:
    status = index_status.get(index["IndexName"], "ACTIVE")
    out = {
        **_index_common(index, stats),
        "IndexStatus": status,
        "ProvisionedThroughput": _throughput(index["ProvisionedThroughput"]),
        "IndexArn": records.index_arn(account, region, table, index["IndexName"]),
    }
    if status == "CREATING":
        out["Backfilling"] = False
    if index.get("OnDemandThroughput"):
        out["OnDemandThroughput"] = index["OnDemandThroughput"]
    return out
