"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ....auth import RequestContext
from ....protocol import ServiceError
from .. import capacity
from ..attribute_values import item_size
from ..batch import DUPLICATES
from ..errors import operation, validation
from ..expressions import DynamoValidationError, evaluate
from ..item_keys import key_segments
from ..item_writes import WriteUnits
from ..items import ON_FAILURE
from ..key_rules import check_key
from ..schema import Item, TableSchema
from ..shape_checks import check_enums
from ..transactions import SAME_ITEM, TransactionOperations, TransactionWrite
from .key_access import primary_key
from .parser import parse_statement
from .projection import project_result
from .select_reads import StatementReads
from .statements import Exists, Select, Statement
from .writes import StatementWrites, returned_items

EXISTS_OUTSIDE = "EXISTS can only be used in ExecuteTransaction write requests."
MIXED_BATCH = "Read and write requests together in the same batch is not supported."
MIXED_TRANSACTION = (
    "ExecuteTransaction API does not support both read and write operations in the same request."
)
ON_INDEX = "This operation is not supported on an index"
MAX_BATCH = 25
MAX_TRANSACTION = 100
# A batch statement's error code for each exception it may raise.
BATCH_CODES = {
    "ValidationException": "ValidationError",
    "ResourceNotFoundException": "ResourceNotFound",
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "TransactionConflictException": "TransactionConflict",
}


@dataclass
class ItemRead:
    """A SELECT of one item by its full key (in a batch or a transaction)."""

    statement: Select
    schema: TableSchema
    key: Item
    condition: Any  # the rest of the WHERE clause, or None
    consistent: bool = False

    def result(self, item: Item | None) -> Item | None:
        if item is None or (self.condition is not None and not evaluate(self.condition, item)):
            return None
        return project_result(self.statement.projection, item)


class PartiQLOperations(StatementReads, StatementWrites, TransactionOperations):
    @operation
    def execute_statement(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_enums(
            params,
            {
                "ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY,
                "ReturnValuesOnConditionCheckFailure": ON_FAILURE,
            },
        )
        statement = parse_statement(params["Statement"], params.get("Parameters"))
        if isinstance(statement, Exists):
            raise validation(EXISTS_OUTSIDE)
        if isinstance(statement, Select):
            return self.select_page(ctx, statement, params)
        write = self.plan_write(ctx, statement, params.get("ReturnValuesOnConditionCheckFailure"))
        old, new, spent = self.apply_write(ctx, write)
        out: dict[str, Any] = {"Items": returned_items(statement, write, old, new)}
        consumed = capacity.writes(
            params.get("ReturnConsumedCapacity"), write.schema, spent or [WriteUnits(1.0)]
        )
        if consumed:
            out["ConsumedCapacity"] = consumed
        return out

    @operation
    def batch_execute_statement(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        check_enums(params, {"ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY})
        requests = params["Statements"]
        _check_count(requests, "statements", MAX_BATCH)
        parsed: list[Statement | ServiceError] = [_parsed(r) for r in requests]
        kinds = {isinstance(s, Select) for s in parsed if not isinstance(s, ServiceError)}
        if len(kinds) > 1:
            raise validation(MIXED_BATCH)
        plans = [
            s if isinstance(s, ServiceError) else _attempt(self._batch_plan, ctx, r, s)
            for r, s in zip(requests, parsed, strict=True)
        ]
        seen: set[tuple[str, bytes]] = set()
        for plan in plans:
            if isinstance(plan, ItemRead | TransactionWrite):
                at = (plan.schema.name, key_segments(plan.schema.key, plan.key))
                if at in seen:
                    raise validation(DUPLICATES)
                seen.add(at)
        totals = capacity.CapacityTotals(params.get("ReturnConsumedCapacity"))
        responses = []
        for statement, plan in zip(parsed, plans, strict=True):
            if isinstance(plan, ServiceError):
                responses.append(_error_entry(plan))
            else:
                outcome = _attempt(self._batch_run, ctx, statement, plan, totals)
                responses.append(
                    _error_entry(outcome) if isinstance(outcome, ServiceError) else outcome
                )
        out: dict[str, Any] = {"Responses": responses}
        reports = totals.reports()
        if reports:
            out["ConsumedCapacity"] = reports
        return out

    def _batch_plan(
        self, ctx: RequestContext, request: dict[str, Any], statement: Statement
    ) -> ItemRead | TransactionWrite:
        if isinstance(statement, Exists):
            raise validation(EXISTS_OUTSIDE)
        if isinstance(statement, Select):
            return self._item_read(ctx, statement, None, bool(request.get("ConsistentRead")))
        return self.plan_write(ctx, statement, request.get("ReturnValuesOnConditionCheckFailure"))

    def _batch_run(
        self,
        ctx: RequestContext,
        statement: Statement,
        plan: ItemRead | TransactionWrite,
        totals: capacity.CapacityTotals,
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {"TableName": plan.schema.name}
        if isinstance(plan, ItemRead):
            item = self.load_item(ctx.account_id, ctx.region, plan.schema, plan.key)
            size = item_size(item) if item is not None else 0
            totals.add(plan.schema, capacity.read_units(size, plan.consistent))
            found = plan.result(item)
            if found is not None:
                entry["Item"] = found
            return entry
        old, new, spent = self.apply_write(ctx, plan)
        totals.add_writes(plan.schema, spent or [WriteUnits(1.0)])
        returned = returned_items(statement, plan, old, new)
        if returned:
            entry["Item"] = returned[0]
        return entry

    @operation
    def execute_transaction(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_enums(params, {"ReturnConsumedCapacity": capacity.RETURN_CONSUMED_CAPACITY})
        requests = params["TransactStatements"]
        _check_count(requests, "transactStatements", MAX_TRANSACTION)
        statements = [parse_statement(r["Statement"], r.get("Parameters")) for r in requests]
        for n, statement in enumerate(statements):
            if getattr(statement, "returning", None):
                raise validation(
                    f"Validation failed in TransactStatements[{n}]: RETURNING clause is not "
                    "supported in ExecuteTransaction."
                )
        reads = [isinstance(s, Select) for s in statements]
        if any(reads) and not all(reads):
            raise validation(MIXED_TRANSACTION)
        if all(reads):
            return self._read_transaction(ctx, params, statements)  # type: ignore[arg-type]
        writes = [
            self.plan_write(ctx, s, r.get("ReturnValuesOnConditionCheckFailure"))
            for r, s in zip(requests, statements, strict=True)
        ]
        out = self.run_write_transaction(ctx, params, writes)
        return {"Responses": [{} for _ in writes], **out}

    def _read_transaction(
        self, ctx: RequestContext, params: dict[str, Any], statements: list[Select]
    ) -> dict[str, Any]:
        missing_key = (
            "Select statements within ExecuteTransaction must specify the primary key in the "
            "where clause."
        )
        reads = [self._item_read(ctx, s, missing_key, True) for s in statements]
        seen: set[tuple[str, bytes]] = set()
        for read in reads:
            at = (read.schema.name, key_segments(read.schema.key, read.key))
            if at in seen:
                raise validation(SAME_ITEM)
            seen.add(at)
        items, reports = self.read_transaction(
            ctx, [(r.schema, r.key) for r in reads], params.get("ReturnConsumedCapacity")
        )
        responses = []
        for read, item in zip(reads, items, strict=True):
            found = read.result(item)
            responses.append({} if found is None else {"Item": found})
        out: dict[str, Any] = {"Responses": responses}
        if reports is not None:
            out["ConsumedCapacity"] = reports
        return out

    def _item_read(
        self, ctx: RequestContext, statement: Select, missing_key: str | None, consistent: bool
    ) -> ItemRead:
        if statement.source.index is not None:
            if missing_key is not None:
                raise validation("Reads on indices are not supported within transactions.")
            raise validation(ON_INDEX)
        schema = TableSchema.of(self.used_table(ctx, statement.source.table))
        key, condition = primary_key(statement.where, schema.key, missing_key)
        check_key(schema, key)
        return ItemRead(statement, schema, key, condition, consistent)


def _check_count(requests: list[Any], where: str, limit: int) -> None:
    if len(requests) > limit:
        raise validation(
            f"1 validation error detected: Value at '{where}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {limit}"
        )


def _parsed(request: dict[str, Any]) -> Statement | ServiceError:
    try:
        return parse_statement(request["Statement"], request.get("Parameters"))
    except ServiceError as e:
        return e


def _attempt(step: Any, *args: Any) -> Any:
    """`step(*args)`, or the error a batch reports for that one statement."""
    try:
        return step(*args)
    except DynamoValidationError as e:
        return validation(e.message)
    except ServiceError as e:
        if e.code not in BATCH_CODES:
            raise
        return e


def _error_entry(error: ServiceError) -> dict[str, Any]:
    entry: dict[str, Any] = {"Code": BATCH_CODES[error.code], "Message": error.message}
    if error.fields.get("Item") is not None:
        entry["Item"] = error.fields["Item"]
    return {"Error": entry}
