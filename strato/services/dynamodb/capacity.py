"""ConsumedCapacity as DynamoDB computes it: 1 WCU per KB written, 1 RCU per 4 KB read
strongly (half that eventually consistent), doubled inside transactions."""

from __future__ import annotations

import math
from typing import Any

from .item_writes import WriteUnits
from .schema import TableSchema

RETURN_CONSUMED_CAPACITY = ["INDEXES", "TOTAL", "NONE"]


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def report(
    mode: str | None,
    schema: TableSchema,
    table: float,
    indexes: dict[str, float] | None = None,
) -> dict[str, Any] | None:
    """One table's ConsumedCapacity for ReturnConsumedCapacity `mode` (None for NONE)."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    indexes = indexes or {}
    out: dict[str, Any] = {
        "TableName": schema.name,
        "CapacityUnits": table + sum(indexes.values()),
    }
    if mode == "INDEXES":
        out["Table"] = {"CapacityUnits": table}
        for name, units in indexes.items():
            kind = schema.indexes[name].kind
            out.setdefault(kind, {})[name] = {"CapacityUnits": units}
    return out


def writes(
    mode: str | None, schema: TableSchema, spent: list[WriteUnits], factor: float = 1.0
) -> dict[str, Any] | None:
    table = sum(s.table for s in spent) * factor
    indexes: dict[str, float] = {}
    for s in spent:
        for name, units in s.indexes.items():
            indexes[name] = indexes.get(name, 0.0) + units * factor
    return report(mode, schema, table, indexes)


class CapacityTotals:
    """ConsumedCapacity summed per table, for the batch and transaction operations."""

    def __init__(self, mode: str | None) -> None:
        self.mode = mode
        self.tables: dict[str, tuple[TableSchema, float, dict[str, float]]] = {}

    def add(
        self, schema: TableSchema, table: float, indexes: dict[str, float] | None = None
    ) -> None:
        _, total, by_index = self.tables.get(schema.name, (schema, 0.0, {}))
        for name, units in (indexes or {}).items():
            by_index[name] = by_index.get(name, 0.0) + units
        self.tables[schema.name] = (schema, total + table, by_index)

    def add_writes(self, schema: TableSchema, spent: list[WriteUnits], factor: float = 1.0) -> None:
        for s in spent:
            self.add(schema, s.table * factor, {n: u * factor for n, u in s.indexes.items()})

    def reports(self) -> list[dict[str, Any]] | None:
        if self.mode not in ("TOTAL", "INDEXES"):
            return None
        return [
            r
            for schema, table, indexes in self.tables.values()
            if (r := report(self.mode, schema, table, indexes)) is not None
        ]
