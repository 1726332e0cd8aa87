"""Query: one partition of a table or index, read as a range scan of its keys."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from . import capacity, request_expressions
from .attribute_values import sort_key_bytes, validate_item, values_equal
from .errors import invalid, operation, validation
from .filter_rules import check_filter_keys
from .item_writes import ItemWrites
from .key_rules import check_start_key, type_of
from .reading import PageReader, ReadPlan
from .schema import IndexSpec, KeyShape, TableSchema
from .selection import SELECT, reads_table, resolve_select
from .shape_checks import check_enums
from .storage_keys import index_prefix, segment, sort_range, table_prefix, whole

READ_ENUMS = {
    "Select": SELECT,
    "ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY,
    "ConditionalOperator": ["AND", "OR"],
}


def read_index(schema: TableSchema, params: dict[str, Any]) -> IndexSpec | None:
    name = params.get("IndexName")
    if name is None:
        return None
    index = schema.indexes.get(name)
    if index is None:
        raise validation(f"The table does not have the specified index: {name}")
    if index.is_global and params.get("ConsistentRead"):
        raise validation("Consistent reads are not supported on global secondary indexes")
    return index


def _check_key_condition(shape: KeyShape, key_condition: Any) -> None:
    """Key condition operands must have the key attributes' types."""
    operands = [(shape.hash_type, key_condition.hash_value)]
    if key_condition.range is not None:
        operands += [(shape.range_type, v) for v in key_condition.range[1]]
    for expected, value in operands:
        if type_of(value) != expected:
            raise invalid("Condition parameter type does not match schema type")


class QueryOperations(ItemWrites, PageReader):
    @operation
    def query(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_enums(params, READ_ENUMS)
        schema = TableSchema.of(self.used_table(ctx, params["TableName"]))
        index = read_index(schema, params)
        shape = index.key if index is not None else schema.key
        parsed = request_expressions.parse(params, "Query", key=(shape.hash_name, shape.range_name))
        check_filter_keys(params, parsed.filter, shape)
        select = resolve_select(params, index, parsed.projection is not None)
        condition = parsed.key_condition
        _check_key_condition(shape, condition)
        if index is None:
            prefix = table_prefix(ctx.account_id, ctx.region, schema.name)
        else:
            prefix = index_prefix(ctx.account_id, ctx.region, schema.name, index.name)
        partition = prefix + segment(sort_key_bytes(condition.hash_value))
        if condition.range is None:
            lo, hi = whole(partition)
        else:
            op, values = condition.range
            lo, hi = sort_range(partition, op, [sort_key_bytes(v) for v in values])
        plan = ReadPlan(
            account=ctx.account_id,
            region=ctx.region,
            schema=schema,
            index=index,
            lo=lo,
            hi=hi,
            reverse=params.get("ScanIndexForward") is False,
            limit=params.get("Limit"),
            filter=parsed.filter,
            projection=parsed.projection,
            select=select,
            read_table=reads_table(select, index),
            consistent=bool(params.get("ConsistentRead")),
            matches=condition.matches,
        )
        start = params.get("ExclusiveStartKey")
        if start is not None:
            start = validate_item(start, "ExclusiveStartKey")
            check_start_key(schema, start, index.name if index else None)
            if not values_equal(start[shape.hash_name], condition.hash_value):
                raise validation(
                    "The provided starting key is outside query boundaries based on provided "
                    "conditions"
                )
            plan.start_after(start)
        return self.read_page(plan, params.get("ReturnConsumedCapacity"))
