"""DescribeEndpoints and DescribeLimits: facts about the service rather than a table."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext

ACCOUNT_MAX_CAPACITY = 80000
TABLE_MAX_CAPACITY = 40000


class AccountOperations:
    def describe_endpoints(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        # The endpoint the client reached is the one to keep using (not AWS's).
        address = ctx.host or f"dynamodb.{ctx.region}.amazonaws.com"
        return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1440}]}

    def describe_limits(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "AccountMaxReadCapacityUnits": ACCOUNT_MAX_CAPACITY,
            "AccountMaxWriteCapacityUnits": ACCOUNT_MAX_CAPACITY,
            "TableMaxReadCapacityUnits": TABLE_MAX_CAPACITY,
            "TableMaxWriteCapacityUnits": TABLE_MAX_CAPACITY,
        }
