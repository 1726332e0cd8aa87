"""What the Streams provider reads of DynamoDB's tables: one table's record, and their names."""

from __future__ import annotations

from typing import Any

from ...platform import Platform
from ...store import keys
from ..dynamodb import records as dynamodb_records


def table(platform: Platform, account: str, region: str, name: str) -> dict[str, Any] | None:
    """The table's record (StreamSpecification, LatestStreamArn/Label, KeySchema), None if gone."""
    return platform.provider("dynamodb").table(account, region, name)


def table_names(platform: Platform, account: str, region: str) -> list[str]:
    lo, hi = keys.prefix_range(account, region)
    return [keys.unpack(k)[2] for k, _ in platform.store.scan(dynamodb_records.TABLES, lo, hi)]
