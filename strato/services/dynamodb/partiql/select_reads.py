"""ExecuteStatement's SELECT: a Query of each partition the WHERE clause names (= or IN on
the partition key), else a Scan; the whole WHERE filters what is read, Limit counts what is
read, and NextToken resumes where a page stopped."""

from __future__ import annotations

from typing import Any

from ....auth import RequestContext
from ..attribute_values import sort_key_bytes, type_of, validate_item
from ..errors import validation
from ..item_writes import ItemWrites
from ..reading import PageReader, ReadPlan
from ..schema import IndexSpec, KeyShape, TableSchema
from ..selection import reads_table
from ..storage_keys import index_prefix, segment, sort_range, table_prefix, whole
from . import next_token
from .errors import key_type_mismatch
from .key_access import partition_values
from .key_access import sort_range as sort_condition
from .projection import project_result
from .statements import Select

KeyRange = tuple[bytes, bytes]


class StatementReads(ItemWrites, PageReader):
    def select_page(
        self, ctx: RequestContext, select: Select, params: dict[str, Any]
    ) -> dict[str, Any]:
        schema = TableSchema.of(self.used_table(ctx, select.source.table))
        consistent = bool(params.get("ConsistentRead"))
        index = _index(schema, select.source.index, consistent)
        shape = index.key if index is not None else schema.key
        partitions = _partitions(select, shape)
        _check_order_by(select, shape, partitions)
        ranges, reverse = self._key_ranges(ctx, schema, index, select, partitions)
        signature = next_token.statement_signature(params)
        first, start = 0, None
        if params.get("NextToken"):
            first, start = next_token.decode(params["NextToken"], signature)
            if first >= len(ranges):
                raise validation(next_token.INVALID)
            if start is not None:
                start = validate_item(start, "ExclusiveStartKey")
        limit = params.get("Limit")
        select_kind = "SPECIFIC_ATTRIBUTES" if select.projection is not None else "ALL_ATTRIBUTES"
        if index is not None and select.projection is None:
            select_kind = "ALL_PROJECTED_ATTRIBUTES"
        items: list[dict[str, Any]] = []
        consumed: dict[str, Any] | None = None
        token: str | None = None
        for n in range(first, len(ranges)):
            lo, hi = ranges[n]
            plan = ReadPlan(
                account=ctx.account_id,
                region=ctx.region,
                schema=schema,
                index=index,
                lo=lo,
                hi=hi,
                reverse=reverse,
                limit=limit,
                filter=select.where,
                select=select_kind,
                read_table=reads_table(select_kind, index),
                consistent=consistent,
            )
            if n == first and start is not None:
                plan.start_after(start)
            page = self.read_page(plan, params.get("ReturnConsumedCapacity"))
            items.extend(page["Items"])
            consumed = _added(consumed, page.get("ConsumedCapacity"))
            if "LastEvaluatedKey" in page:
                token = next_token.encode(signature, n, page["LastEvaluatedKey"])
                break
            if limit is not None:
                limit -= page["ScannedCount"]
                if limit <= 0:
                    if n + 1 < len(ranges):
                        token = next_token.encode(signature, n + 1, None)
                    break
        out: dict[str, Any] = {"Items": [project_result(select.projection, i) for i in items]}
        if token is not None:
            out["NextToken"] = token
        if consumed is not None:
            out["ConsumedCapacity"] = consumed
        return out

    def _key_ranges(
        self,
        ctx: RequestContext,
        schema: TableSchema,
        index: IndexSpec | None,
        select: Select,
        partitions: list[dict[str, Any]] | None,
    ) -> tuple[list[KeyRange], bool]:
        """The store ranges to read in order, and whether each is read backwards."""
        if index is None:
            prefix = table_prefix(ctx.account_id, ctx.region, schema.name)
        else:
            prefix = index_prefix(ctx.account_id, ctx.region, schema.name, index.name)
        if partitions is None:
            return [whole(prefix)], False
        shape = index.key if index is not None else schema.key
        order = dict(select.order_by)
        keys = [sort_key_bytes(value) for value in partitions]
        if shape.hash_name in order:
            keys.sort(reverse=order[shape.hash_name])
        bounds = _sort_bounds(select, shape)
        ranges: list[KeyRange] = []
        for key in keys:
            partition = prefix + segment(key)
            ranges.append(sort_range(partition, *bounds) if bounds else whole(partition))
        return ranges, bool(order.get(shape.range_name or ""))


def _index(schema: TableSchema, name: str | None, consistent: bool) -> IndexSpec | None:
    if name is None:
        return None
    index = schema.indexes.get(name)
    if index is None:
        raise validation(f"The table does not have the specified index: {name}")
    if index.is_global and consistent:
        raise validation("Strongly consistent read is not supported on Global Secondary Indexes")
    return index


def _partitions(select: Select, shape: KeyShape) -> list[dict[str, Any]] | None:
    """The partition-key values to query, each once, or None to scan."""
    values = partition_values(select.where, shape.hash_name)
    if values is None:
        return None
    unique: dict[bytes, dict[str, Any]] = {}
    for value in values:
        if type_of(value) != shape.hash_type:
            raise key_type_mismatch(shape.hash_name)
        unique.setdefault(sort_key_bytes(value), value)
    return list(unique.values())


def _sort_bounds(select: Select, shape: KeyShape) -> tuple[str, list[bytes]] | None:
    """A sort-key condition every match obeys, to narrow each partition's range."""
    if shape.range_name is None:
        return None
    found = sort_condition(select.where, shape.range_name)
    if found is None:
        return None
    op, operands = found
    if any(type_of(v) != shape.range_type for v in operands):
        return None  # nothing matches; the filter says so
    if op == "begins_with" and shape.range_type == "N":
        return None
    return op, [sort_key_bytes(v) for v in operands]


def _check_order_by(
    select: Select, shape: KeyShape, partitions: list[dict[str, Any]] | None
) -> None:
    if not select.order_by:
        return
    if select.where is None:
        raise validation("Must have WHERE clause in the statement when using ORDER BY clause.")
    for name, _ in select.order_by:
        if name not in shape.names:
            raise validation(
                f"Variable reference {name} in ORDER BY clause must be part of the primary key"
            )
    if partitions is None:
        raise validation(
            "Must have at least one non-optional hash key condition in WHERE clause when using "
            "ORDER BY clause."
        )
    if len(partitions) > 1 and shape.hash_name not in dict(select.order_by):
        raise validation(
            "Must have hash key in ORDER BY clause when more than one hash key condition "
            "specified in WHERE clause."
        )


def _added(total: dict[str, Any] | None, more: dict[str, Any] | None) -> dict[str, Any] | None:
    """Two ConsumedCapacity reports of one table, summed."""
    if total is None or more is None:
        return total or more
    out = dict(total)
    for field, value in more.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[field] = out.get(field, 0.0) + value
        elif isinstance(value, dict):
            out[field] = _added(out.get(field), value)
    return out
