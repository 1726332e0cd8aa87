"""PutItem, GetItem, UpdateItem and DeleteItem."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from . import capacity, request_expressions
from .attribute_values import MAX_ITEM_SIZE, item_size, validate_item
from .errors import conditional_check_failed, operation, validation
from .expressions import apply_update, evaluate, project
from .item_collections import collection_metrics
from .item_writes import Change, ItemWrites
from .key_rules import check_index_keys, check_item, check_key, update_touches_key
from .schema import Item, TableSchema
from .shape_checks import check_enums

RETURN_VALUES = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]
ON_FAILURE = ["ALL_OLD", "NONE"]
METRICS = ["SIZE", "NONE"]
_WRITE_ENUMS = {
    "ReturnValues": RETURN_VALUES,
    "ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY,
    "ReturnItemCollectionMetrics": METRICS,
    "ReturnValuesOnConditionCheckFailure": ON_FAILURE,
    "ConditionalOperator": ["AND", "OR"],
}


def check_write_enums(params: dict[str, Any], *, put_or_delete: bool) -> str:
    check_enums(params, _WRITE_ENUMS)
    returned = params.get("ReturnValues") or "NONE"
    if put_or_delete and returned not in ("NONE", "ALL_OLD"):
        raise validation("ReturnValues can only be ALL_OLD or NONE")
    return returned


def check_condition(condition: Any, old: Item | None, params: dict[str, Any]) -> None:
    if condition is not None and not evaluate(condition, old or {}):
        wants_item = params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        raise conditional_check_failed(old if wants_item else None)


def check_size(
    item: Item, message: str = "Item size has exceeded the maximum allowed size"
) -> None:
    if item_size(item) > MAX_ITEM_SIZE:
        raise validation(message)


class ItemOperations(ItemWrites):
    @operation
    def put_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        returned = check_write_enums(params, put_or_delete=True)
        item = validate_item(params["Item"], "Item")
        parsed = request_expressions.parse(params, "PutItem")
        record = self.used_table(ctx, params["TableName"])
        schema = TableSchema.of(record)
        check_item(schema, item)
        check_size(item)
        key = schema.key.pick(item)
        with self.store.transaction():
            old = self.load_item(ctx.account_id, ctx.region, schema, key)
            check_condition(parsed.condition, old, params)
            spent = self.commit_changes(
                ctx.account_id, ctx.region, record, schema, [Change(key, old, item)]
            )
        out = self._write_extras(ctx, params, schema, key, spent)
        if returned == "ALL_OLD" and old:
            out["Attributes"] = old
        return out

    @operation
    def get_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_enums(params, {"ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY})
        key = validate_item(params["Key"], "Key")
        parsed = request_expressions.parse(params, "GetItem")
        schema = TableSchema.of(self.used_table(ctx, params["TableName"]))
        check_key(schema, key)
        item = self.load_item(ctx.account_id, ctx.region, schema, key)
        out: dict[str, Any] = {}
        if item is not None:
            out["Item"] = project(parsed.projection, item) if parsed.projection else item
        units = capacity.read_units(
            item_size(item) if item else 0, bool(params.get("ConsistentRead"))
        )
        consumed = capacity.report(params.get("ReturnConsumedCapacity"), schema, units)
        if consumed:
            out["ConsumedCapacity"] = consumed
        return out

    def _keyed_write(self, ctx: RequestContext, params: dict[str, Any], operation: str):
        """What DeleteItem and UpdateItem check before touching the item, in AWS's order."""
        returned = check_write_enums(params, put_or_delete=operation == "DeleteItem")
        key = validate_item(params["Key"], "Key")
        parsed = request_expressions.parse(params, operation)
        record = self.used_table(ctx, params["TableName"])
        schema = TableSchema.of(record)
        check_key(schema, key)
        return returned, key, parsed, record, schema

    @operation
    def delete_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        returned, key, parsed, record, schema = self._keyed_write(ctx, params, "DeleteItem")
        with self.store.transaction():
            old = self.load_item(ctx.account_id, ctx.region, schema, key)
            check_condition(parsed.condition, old, params)
            spent = (
                self.commit_changes(
                    ctx.account_id, ctx.region, record, schema, [Change(key, old, None)]
                )
                if old is not None
                else []
            )
        out = self._write_extras(ctx, params, schema, key, spent)
        if returned == "ALL_OLD" and old:
            out["Attributes"] = old
        return out

    @operation
    def update_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        returned, key, parsed, record, schema = self._keyed_write(ctx, params, "UpdateItem")
        with self.store.transaction():
            old = self.load_item(ctx.account_id, ctx.region, schema, key)
            check_condition(parsed.condition, old, params)
            new = updated_item(schema, parsed.update, old, key)
            spent = self.commit_changes(
                ctx.account_id, ctx.region, record, schema, [Change(key, old, new)]
            )
        out = self._write_extras(ctx, params, schema, key, spent)
        attributes = returned_attributes(returned, parsed.update, old, new)
        if attributes:
            out["Attributes"] = attributes
        return out

    def _write_extras(
        self, ctx: RequestContext, params: dict[str, Any], schema: TableSchema, key: Item, spent
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        consumed = capacity.writes(
            params.get("ReturnConsumedCapacity"),
            schema,
            spent or [capacity.WriteUnits(1.0)],
        )
        if consumed:
            out["ConsumedCapacity"] = consumed
        if params.get("ReturnItemCollectionMetrics") == "SIZE":
            metrics = collection_metrics(self.store, ctx.account_id, ctx.region, schema, key)
            if metrics:
                out["ItemCollectionMetrics"] = metrics
        return out


def updated_item(schema: TableSchema, update: Any, old: Item | None, key: Item) -> Item:
    """The item an update leaves (an upsert from the key when there was none)."""
    base = old if old is not None else dict(key)
    if update is None:
        return dict(base)
    update_touches_key(schema, set(update.top_level_names))
    new, _ = apply_update(update, base)
    check_index_keys(schema, new, updating=True)
    check_size(new, "Item size to update has exceeded the maximum allowed size")
    return new


def returned_attributes(returned: str, update: Any, old: Item | None, new: Item) -> Item | None:
    if returned == "ALL_OLD":
        return old
    if returned == "ALL_NEW":
        return new
    if update is None or returned not in ("UPDATED_OLD", "UPDATED_NEW"):
        return None
    source = old if returned == "UPDATED_OLD" else new
    return project(update.projection, source or {})
