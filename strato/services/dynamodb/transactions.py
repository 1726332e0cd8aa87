"""TransactWriteItems and TransactGetItems: all or nothing, in one store transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from . import capacity, idempotency, request_expressions
from .attribute_values import item_size, validate_item
from .errors import operation, transaction_canceled, validation
from .expressions import DynamoValidationError, evaluate, project
from .item_collections import collection_metrics
from .item_keys import key_segments
from .item_writes import Change, ItemWrites
from .items import ON_FAILURE, check_size, updated_item
from .key_rules import check_item, check_key
from .schema import Item, TableSchema
from .shape_checks import check_enums

MAX_ITEMS = 100
ACTIONS = ("ConditionCheck", "Put", "Delete", "Update")
# The single-item operation whose expression parameters each action takes.
_AS_OPERATION = {
    "ConditionCheck": "DeleteItem",
    "Put": "PutItem",
    "Delete": "DeleteItem",
    "Update": "UpdateItem",
}
SAME_ITEM = "Transaction request cannot include multiple operations on one item"
CONDITION_FAILED = ("ConditionalCheckFailed", "The conditional request failed")


@dataclass
class TransactionWrite:
    """One write of a transaction (TransactWriteItems or PartiQL's ExecuteTransaction)."""

    action: str  # one of ACTIONS
    record: dict[str, Any]
    schema: TableSchema
    key: Item
    item: Item | None  # Put's item
    parsed: request_expressions.Expressions
    on_failure: str | None
    # The cancellation reason when the condition fails (PartiQL's INSERT says DuplicateItem).
    failure: tuple[str, str] = CONDITION_FAILED


def _check_count(items: list[Any]) -> None:
    if len(items) > MAX_ITEMS:
        raise validation(
            "1 validation error detected: Value at 'transactItems' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_ITEMS}"
        )


class TransactionOperations(ItemWrites):
    @operation
    def transact_write_items(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_enums(
            params,
            {
                "ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY,
                "ReturnItemCollectionMetrics": ["SIZE", "NONE"],
            },
        )
        _check_count(params["TransactItems"])
        writes = [self._prepare(ctx, entry) for entry in params["TransactItems"]]
        return self.run_write_transaction(ctx, params, writes)

    def run_write_transaction(
        self, ctx: RequestContext, params: dict[str, Any], writes: list[TransactionWrite]
    ) -> dict[str, Any]:
        """Commit `writes` all or nothing, honouring ClientRequestToken and
        ReturnConsumedCapacity / ReturnItemCollectionMetrics from `params`."""
        seen: set[tuple[str, bytes]] = set()
        for write in writes:
            at = (write.schema.name, key_segments(write.schema.key, write.key))
            if at in seen:
                raise validation(SAME_ITEM)
            seen.add(at)
        token = params.get("ClientRequestToken")
        now = self.clock.now()
        with self.store.transaction():
            if token:
                earlier = idempotency.replay(
                    self.store, ctx.account_id, ctx.region, token, params, now
                )
                if earlier is not None:
                    return earlier
            changes = self._decide(ctx, writes)
            totals = capacity.CapacityTotals(params.get("ReturnConsumedCapacity"))
            for write, change in zip(writes, changes, strict=True):
                if change is None or (change.old is None and change.new is None):
                    totals.add(write.schema, 2.0)
                    continue
                spent = self.commit_changes(
                    ctx.account_id, ctx.region, write.record, write.schema, [change]
                )
                totals.add_writes(write.schema, spent, factor=2.0)
            out: dict[str, Any] = {}
            reports = totals.reports()
            if reports is not None:
                out["ConsumedCapacity"] = reports
            if token:
                idempotency.remember(
                    self.store, ctx.account_id, ctx.region, token, params, now, out
                )
        if params.get("ReturnItemCollectionMetrics") == "SIZE":
            metrics: dict[str, Any] = {}
            for write in writes:
                if write.action == "ConditionCheck":
                    continue
                found = collection_metrics(
                    self.store, ctx.account_id, ctx.region, write.schema, write.key
                )
                if found:
                    metrics.setdefault(write.schema.name, []).append(found)
            out = {**out, "ItemCollectionMetrics": metrics}
        return out

    def _prepare(self, ctx: RequestContext, entry: dict[str, Any]) -> TransactionWrite:
        actions = [a for a in ACTIONS if entry.get(a) is not None]
        if len(actions) != 1:
            raise validation("TransactItems can only contain one of Check, Put, Update or Delete")
        action = actions[0]
        request = entry[action]
        check_enums(request, {"ReturnValuesOnConditionCheckFailure": ON_FAILURE})
        item = validate_item(request["Item"], "Item") if action == "Put" else None
        key = validate_item(request["Key"], "Key") if item is None else None
        parsed = request_expressions.parse(request, _AS_OPERATION[action])
        record = self.used_table(ctx, request["TableName"])
        schema = TableSchema.of(record)
        if item is not None:
            check_item(schema, item)
            check_size(item)
            key = schema.key.pick(item)
        else:
            check_key(schema, key)
        return TransactionWrite(
            action,
            record,
            schema,
            key,
            item,
            parsed,
            request.get("ReturnValuesOnConditionCheckFailure"),
        )

    def _decide(self, ctx: RequestContext, writes: list[TransactionWrite]) -> list[Change | None]:
        """Each write's change, or TransactionCanceledException with every item's reason."""
        reasons: list[dict[str, Any]] = []
        changes: list[Change | None] = []
        failed = False
        for write in writes:
            old = self.load_item(ctx.account_id, ctx.region, write.schema, write.key)
            condition = write.parsed.condition
            if condition is not None and not evaluate(condition, old or {}):
                code, message = write.failure
                reason: dict[str, Any] = {"Code": code, "Message": message}
                if write.on_failure == "ALL_OLD" and old is not None:
                    reason["Item"] = old
                reasons.append(reason)
                changes.append(None)
                failed = True
                continue
            try:
                changes.append(planned_change(write, old))
            except (DynamoValidationError, ServiceError) as e:
                if isinstance(e, ServiceError) and e.code != "ValidationException":
                    raise
                reasons.append({"Code": "ValidationError", "Message": e.message})
                changes.append(None)
                failed = True
                continue
            reasons.append({"Code": "None"})
        if failed:
            raise transaction_canceled(reasons)
        return changes

    @operation
    def transact_get_items(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_enums(params, {"ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY})
        _check_count(params["TransactItems"])
        gets = []
        seen: set[tuple[str, bytes]] = set()
        for entry in params["TransactItems"]:
            request = entry["Get"]
            key = validate_item(request["Key"], "Key")
            parsed = request_expressions.parse(request, "GetItem")
            schema = TableSchema.of(self.used_table(ctx, request["TableName"]))
            check_key(schema, key)
            at = (schema.name, key_segments(schema.key, key))
            if at in seen:
                raise validation(SAME_ITEM)
            seen.add(at)
            gets.append((schema, key, parsed.projection))
        items, reports = self.read_transaction(
            ctx, [(schema, key) for schema, key, _ in gets], params.get("ReturnConsumedCapacity")
        )
        responses: list[dict[str, Any]] = []
        for (_, _, projection), item in zip(gets, items, strict=True):
            if item is None:
                responses.append({})
            else:
                responses.append({"Item": project(projection, item) if projection else item})
        out: dict[str, Any] = {"Responses": responses}
        if reports is not None:
            out["ConsumedCapacity"] = reports
        return out

    def read_transaction(
        self, ctx: RequestContext, gets: list[tuple[TableSchema, Item]], capacity_mode: str | None
    ) -> tuple[list[Item | None], list[dict[str, Any]] | None]:
        """Each (table, key)'s item from one consistent snapshot, and the ConsumedCapacity."""
        totals = capacity.CapacityTotals(capacity_mode)
        items: list[Item | None] = []
        with self.store.transaction():  # one consistent snapshot
            for schema, key in gets:
                item = self.load_item(ctx.account_id, ctx.region, schema, key)
                totals.add(schema, 2 * capacity.read_units(item_size(item) if item else 0, True))
                items.append(item)
        return items, totals.reports()


def planned_change(write: TransactionWrite, old: Item | None) -> Change | None:
    """The change `write` makes to `old` (None for a condition check)."""
    if write.action == "ConditionCheck":
        return None
    if write.action == "Put":
        return Change(write.key, old, write.item)
    if write.action == "Delete":
        return Change(write.key, old, None)
    return Change(write.key, old, updated_item(write.schema, write.parsed.update, old, write.key))
