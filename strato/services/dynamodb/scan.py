"""Scan: a whole table or index in key order, optionally one segment of a parallel scan."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from . import request_expressions
from .attribute_values import validate_item
from .errors import operation, validation
from .item_writes import ItemWrites
from .key_rules import check_start_key
from .query import READ_ENUMS, read_index
from .reading import PageReader, ReadPlan
from .schema import TableSchema
from .selection import reads_table, resolve_select
from .shape_checks import check_enums
from .storage_keys import index_prefix, table_prefix, whole


def _segment(params: dict[str, Any]) -> tuple[int, int] | None:
    number, total = params.get("Segment"), params.get("TotalSegments")
    if number is None and total is None:
        return None
    if total is None:
        raise validation(
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present"
        )
    if number is None:
        raise validation(
            "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present"
        )
    if number >= total:
        raise validation(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {number} is not less than TotalSegments: {total}"
        )
    return number, total


class ScanOperations(ItemWrites, PageReader):
    @operation
    def scan(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_enums(params, READ_ENUMS)
        segment = _segment(params)
        parsed = request_expressions.parse(params, "Scan")
        schema = TableSchema.of(self.used_table(ctx, params["TableName"]))
        index = read_index(schema, params)
        select = resolve_select(params, index, parsed.projection is not None)
        if index is None:
            prefix = table_prefix(ctx.account_id, ctx.region, schema.name)
        else:
            prefix = index_prefix(ctx.account_id, ctx.region, schema.name, index.name)
        lo, hi = whole(prefix)
        plan = ReadPlan(
            account=ctx.account_id,
            region=ctx.region,
            schema=schema,
            index=index,
            lo=lo,
            hi=hi,
            limit=params.get("Limit"),
            filter=parsed.filter,
            projection=parsed.projection,
            select=select,
            read_table=reads_table(select, index),
            consistent=bool(params.get("ConsistentRead")),
            segment=segment,
        )
        start = params.get("ExclusiveStartKey")
        if start is not None:
            start = validate_item(start, "ExclusiveStartKey")
            check_start_key(schema, start, index.name if index else None)
            plan.start_after(start)
        return self.read_page(plan, params.get("ReturnConsumedCapacity"))
