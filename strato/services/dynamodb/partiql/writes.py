"""INSERT, UPDATE, DELETE and EXISTS as the writes TransactWriteItems makes (Put, Update,
Delete, ConditionCheck), so one statement, a batch and a transaction all go through the
provider's own write path (indexes, table figures, streams, TTL)."""

from __future__ import annotations

from ....auth import RequestContext
from ....protocol import ServiceError
from ..attribute_values import validate_item
from ..errors import conditional_check_failed, validation
from ..expressions import evaluate
from ..expressions.nodes import Function, Path
from ..expressions.nodes import Update as UpdateExpression
from ..item_writes import ItemWrites, WriteUnits
from ..items import check_size, returned_attributes
from ..key_rules import check_item, check_key, update_touches_key
from ..request_expressions import Expressions
from ..schema import Item, TableSchema
from ..transactions import TransactionWrite, planned_change
from .errors import DUPLICATE_ITEM, duplicate_item
from .key_access import all_of, check_key_types, primary_key
from .statements import Delete, Exists, Insert, Statement, Update

RETURN_VALUES = {
    "ALL OLD": "ALL_OLD",
    "MODIFIED OLD": "UPDATED_OLD",
    "ALL NEW": "ALL_NEW",
    "MODIFIED NEW": "UPDATED_NEW",
}
EXISTS_KEY = "EXISTS() must contain a single item read with additional condition"


def _exists(schema: TableSchema, test: str = "attribute_exists") -> Function:
    """Whether the item is there (or, with attribute_not_exists, is not)."""
    return Function(test, (Path((schema.key.hash_name,)),))


class StatementWrites(ItemWrites):
    def plan_write(
        self, ctx: RequestContext, statement: Statement, on_failure: str | None
    ) -> TransactionWrite:
        """The write a statement makes, checked against its table's keys."""
        source = statement.select.source if isinstance(statement, Exists) else statement.source
        record = self.used_table(ctx, source.table)
        schema = TableSchema.of(record)
        if isinstance(statement, Insert):
            item = validate_item(statement.item, "Item")
            for name in schema.key.names:
                if name not in item:
                    raise validation(f"Key attribute should be present in the item: Key {name}")
            check_key_types(item, schema.key)
            check_item(schema, item)
            check_size(item)
            return TransactionWrite(
                "Put",
                record,
                schema,
                schema.key.pick(item),
                item,
                Expressions(condition=_exists(schema, "attribute_not_exists")),
                on_failure,
                failure=("DuplicateItem", DUPLICATE_ITEM),
            )
        if isinstance(statement, Exists):
            if source.index is not None:
                raise validation("Operations on indices are not supported in transactions")
            key, rest = primary_key(statement.select.where, schema.key, EXISTS_KEY)
            check_key(schema, key)
            condition = all_of([_exists(schema), rest] if rest is not None else [_exists(schema)])
            parsed = Expressions(condition=condition)
            return TransactionWrite("ConditionCheck", record, schema, key, None, parsed, on_failure)
        key, rest = primary_key(statement.where, schema.key)
        check_key(schema, key)
        if isinstance(statement, Update):
            # UPDATE changes an existing item only; a missing one fails its condition.
            update = UpdateExpression(statement.actions)
            update_touches_key(schema, set(update.top_level_names))
            condition = all_of([_exists(schema), rest] if rest is not None else [_exists(schema)])
            parsed = Expressions(condition=condition, update=update)
            return TransactionWrite("Update", record, schema, key, None, parsed, on_failure)
        return TransactionWrite(
            "Delete", record, schema, key, None, Expressions(condition=rest), on_failure
        )

    def apply_write(
        self, ctx: RequestContext, write: TransactionWrite
    ) -> tuple[Item | None, Item | None, list[WriteUnits]]:
        """Make one planned write on its own: (old item, new item, write units spent)."""
        with self.store.transaction():
            old = self.load_item(ctx.account_id, ctx.region, write.schema, write.key)
            condition = write.parsed.condition
            if condition is not None and not evaluate(condition, old or {}):
                raise failed_condition(write, old)
            change = planned_change(write, old)
            if change is None or (change.old is None and change.new is None):
                return old, old, []
            spent = self.commit_changes(
                ctx.account_id, ctx.region, write.record, write.schema, [change]
            )
            return old, change.new, spent


def failed_condition(write: TransactionWrite, old: Item | None) -> ServiceError:
    if write.failure[0] == "DuplicateItem":
        return duplicate_item()
    return conditional_check_failed(old if write.on_failure == "ALL_OLD" else None)


def returned_items(
    statement: Statement, write: TransactionWrite, old: Item | None, new: Item | None
) -> list[Item]:
    """What RETURNING asks of an UPDATE or DELETE: the item (or its changed paths), if any."""
    attributes: Item | None = None
    if isinstance(statement, Update) and statement.returning:
        returned = RETURN_VALUES[statement.returning]
        attributes = returned_attributes(returned, write.parsed.update, old, new or {})
    elif isinstance(statement, Delete) and statement.returning:
        attributes = old
    return [attributes] if attributes else []
