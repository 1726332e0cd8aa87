"""BatchGetItem and BatchWriteItem: up to 100 reads or 25 writes over several tables."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from . import capacity, request_expressions
from .attribute_values import item_size, validate_item
from .errors import operation, validation
from .expressions import project
from .item_collections import collection_metrics
from .item_keys import key_segments
from .item_writes import Change, ItemWrites
from .items import check_size
from .key_rules import check_item, check_key
from .schema import Item, TableSchema
from .shape_checks import check_enums

MAX_GETS = 100
MAX_WRITES = 25
MAX_RESPONSE_BYTES = 16 << 20
DUPLICATES = "Provided list of item keys contains duplicates"


class BatchOperations(ItemWrites):
    @operation
    def batch_get_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_enums(params, {"ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY})
        requests = params["RequestItems"]
        if sum(len(r["Keys"]) for r in requests.values()) > MAX_GETS:
            raise validation("Too many items requested for the BatchGetItem call")
        plans = []
        for table_name, request in requests.items():
            keys = [validate_item(k, "Key") for k in request["Keys"]]
            parsed = request_expressions.parse(request, "BatchGetItem")
            schema = TableSchema.of(self.used_table(ctx, table_name))
            seen: set[bytes] = set()
            for key in keys:
                check_key(schema, key)
                at = key_segments(schema.key, key)
                if at in seen:
                    raise validation(DUPLICATES)
                seen.add(at)
            plans.append((table_name, request, schema, keys, parsed.projection))
        totals = capacity.CapacityTotals(params.get("ReturnConsumedCapacity"))
        responses: dict[str, list[Item]] = {}
        unprocessed: dict[str, Any] = {}
        size = 0
        for table_name, request, schema, keys, projection in plans:
            found = responses.setdefault(table_name, [])
            consistent = bool(request.get("ConsistentRead"))
            for n, key in enumerate(keys):
                if size >= MAX_RESPONSE_BYTES:
                    left = unprocessed.setdefault(table_name, {**request, "Keys": []})
                    left["Keys"] = keys[n:]
                    break
                item = self.load_item(ctx.account_id, ctx.region, schema, key)
                read = item_size(item) if item is not None else 0
                totals.add(schema, capacity.read_units(read, consistent))
                if item is not None:
                    size += read
                    found.append(project(projection, item) if projection else item)
        out: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
        reports = totals.reports()
        if reports is not None:
            out["ConsumedCapacity"] = reports
        return out

    @operation
    def batch_write_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_enums(
            params,
            {
                "ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY,
                "ReturnItemCollectionMetrics": ["SIZE", "NONE"],
            },
        )
        requests = params["RequestItems"]
        for writes in requests.values():
            if len(writes) > MAX_WRITES:
                raise validation(
                    "1 validation error detected: Value at 'requestItems' failed to satisfy "
                    "constraint: Map value must satisfy constraint: [Member must have length "
                    "less than or equal to 25, Member must have length greater than or equal to 1]"
                )
        if sum(len(w) for w in requests.values()) > MAX_WRITES:
            raise validation("Too many items requested for the BatchWriteItem call")
        plans = []
        for table_name, writes in requests.items():
            record = self.used_table(ctx, table_name)
            schema = TableSchema.of(record)
            changes = {}
            for write in writes:
                key, new = _prepared_write(schema, write)
                at = key_segments(schema.key, key)
                if at in changes:
                    raise validation(DUPLICATES)
                changes[at] = (key, new)
            plans.append((record, schema, list(changes.values())))
        totals = capacity.CapacityTotals(params.get("ReturnConsumedCapacity"))
        with self.store.transaction():
            for record, schema, changes in plans:
                batch = [
                    Change(key, self.load_item(ctx.account_id, ctx.region, schema, key), new)
                    for key, new in changes
                ]
                effective = [c for c in batch if c.old is not None or c.new is not None]
                spent = self.commit_changes(ctx.account_id, ctx.region, record, schema, effective)
                totals.add_writes(schema, spent)
                if len(effective) < len(batch):  # deleting nothing still costs a write
                    totals.add(schema, float(len(batch) - len(effective)))
        out: dict[str, Any] = {"UnprocessedItems": {}}
        reports = totals.reports()
        if reports is not None:
            out["ConsumedCapacity"] = reports
        if params.get("ReturnItemCollectionMetrics") == "SIZE":
            out["ItemCollectionMetrics"] = self._batch_metrics(ctx, plans)
        return out

    def _batch_metrics(self, ctx: RequestContext, plans: list) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for _, schema, changes in plans:
            for key, _ in changes:
                metrics = collection_metrics(self.store, ctx.account_id, ctx.region, schema, key)
                if metrics:
                    out.setdefault(schema.name, []).append(metrics)
        return out


def _prepared_write(schema: TableSchema, write: dict[str, Any]) -> tuple[Item, Item | None]:
    put, delete = write.get("PutRequest"), write.get("DeleteRequest")
    if (put is None) == (delete is None):
        raise validation("A WriteRequest must contain exactly one of PutRequest or DeleteRequest")
    if put is not None:
        item = validate_item(put["Item"], "Item")
        check_item(schema, item)
        check_size(item)
        return schema.key.pick(item), item
    key = validate_item(delete["Key"], "Key")
    check_key(schema, key)
    return key, None
