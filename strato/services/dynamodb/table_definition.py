"""A new table's record, built from a checked CreateTable request; stream labels and SSE."""

from __future__ import annotations

import time
import uuid
from typing import Any

from . import records
from .index_definitions import stored_projection


def stream_label(now: float, previous: str | None = None) -> str:
    """A stream label: the enabling time, to the millisecond, unique per table."""
    ms = int(now * 1000)
    label = _label(ms)
    while previous is not None and label <= previous:
        ms += 1
        label = _label(ms)
    return label


def _label(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}"


def enable_stream(record: dict[str, Any], view_type: str, now: float) -> None:
    label = stream_label(now, record.get("LatestStreamLabel"))
    record["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    record["LatestStreamLabel"] = label
    record["LatestStreamArn"] = f"{record['TableArn']}/stream/{label}"


def disable_stream(record: dict[str, Any]) -> None:
    # The last stream stays readable (LatestStreamArn is kept), as in DynamoDB.
    record["StreamSpecification"] = {"StreamEnabled": False}


def sse_description(sse: dict[str, Any] | None, account: str, region: str) -> dict[str, Any] | None:
    """What DescribeTable reports for an SSESpecification (None: the default AWS-owned key)."""
    if not sse or not sse.get("Enabled"):
        return None
    key = sse.get("KMSMasterKeyId")
    if not key:
        key = f"arn:aws:kms:{region}:{account}:key/{uuid.uuid4()}"
    elif not key.startswith("arn:"):
        key = f"arn:aws:kms:{region}:{account}:key/{key}"
    return {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key}


def throughput(value: dict[str, Any] | None) -> dict[str, int]:
    value = value or {}
    return {
        "ReadCapacityUnits": value.get("ReadCapacityUnits", 0),
        "WriteCapacityUnits": value.get("WriteCapacityUnits", 0),
    }


def new_table(params: dict[str, Any], account: str, region: str, now: float) -> dict[str, Any]:
    name = params["TableName"]
    billing = params.get("BillingMode") or "PROVISIONED"
    record: dict[str, Any] = {
        "TableName": name,
        "TableId": str(uuid.uuid4()),
        "TableArn": records.table_arn(account, region, name),
        "CreationDateTime": now,
        "AttributeDefinitions": params["AttributeDefinitions"],
        "KeySchema": params["KeySchema"],
        "BillingMode": billing,
        "ProvisionedThroughput": throughput(params.get("ProvisionedThroughput")),
        "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled", False)),
        "TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"},
        "Tags": list(params.get("Tags") or []),
    }
    if billing == "PAY_PER_REQUEST":
        record["LastUpdateToPayPerRequestDateTime"] = now
    if params.get("LocalSecondaryIndexes"):
        record["LocalSecondaryIndexes"] = [
            {
                "IndexName": i["IndexName"],
                "KeySchema": i["KeySchema"],
                "Projection": stored_projection(i["Projection"]),
            }
            for i in params["LocalSecondaryIndexes"]
        ]
    if params.get("GlobalSecondaryIndexes"):
        record["GlobalSecondaryIndexes"] = [
            new_global_index(i, billing) for i in params["GlobalSecondaryIndexes"]
        ]
    stream = params.get("StreamSpecification")
    if stream and stream.get("StreamEnabled"):
        enable_stream(record, stream["StreamViewType"], now)
    sse = sse_description(params.get("SSESpecification"), account, region)
    if sse is not None:
        record["SSEDescription"] = sse
    if params.get("TableClass"):
        record["TableClass"] = params["TableClass"]
    if params.get("OnDemandThroughput"):
        record["OnDemandThroughput"] = params["OnDemandThroughput"]
    return record


def new_global_index(index: dict[str, Any], billing: str) -> dict[str, Any]:
    out = {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": stored_projection(index["Projection"]),
        "ProvisionedThroughput": throughput(
            index.get("ProvisionedThroughput") if billing == "PROVISIONED" else None
        ),
    }
    if index.get("OnDemandThroughput"):
        out["OnDemandThroughput"] = index["OnDemandThroughput"]
    return out
