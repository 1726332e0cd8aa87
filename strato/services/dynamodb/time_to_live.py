"""UpdateTimeToLive and DescribeTimeToLive: the TTL setting a table's sweeper reads."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from .base import DynamoDBBase
from .errors import validation


class TimeToLiveOperations(DynamoDBBase):
    def update_time_to_live(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        spec = params["TimeToLiveSpecification"]
        with self.store.transaction():
            record = self.described_table(ctx, params["TableName"])
            current = record.get("TimeToLiveDescription") or {"TimeToLiveStatus": "DISABLED"}
            active = current["TimeToLiveStatus"] == "ENABLED"
            name = current.get("AttributeName")
            if active and name != spec["AttributeName"]:
                raise validation(
                    f"TimeToLive is active on a different AttributeName: current AttributeName is {name}"
                )
            if spec["Enabled"]:
                if active:
                    raise validation("TimeToLive is already enabled")
                record["TimeToLiveDescription"] = {
                    "TimeToLiveStatus": "ENABLED",
                    "AttributeName": spec["AttributeName"],
                }
            else:
                if not active:
                    raise validation("TimeToLive is already disabled")
                record["TimeToLiveDescription"] = {"TimeToLiveStatus": "DISABLED"}
            self.save_table(ctx.account_id, ctx.region, record)
        return {"TimeToLiveSpecification": spec}

    def describe_time_to_live(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        record = self.described_table(ctx, params["TableName"])
        return {
            "TimeToLiveDescription": record.get("TimeToLiveDescription")
            or {"TimeToLiveStatus": "DISABLED"}
        }
