"""UpdateTable's GlobalSecondaryIndexUpdates: Create, Delete and Update actions checked and
applied to the table record (the caller backfills created indexes and drops deleted ones)."""

from __future__ import annotations

from typing import Any

from . import index_definitions as index_defs
from .errors import invalid, limit_exceeded, resource_not_found, validation
from .table_definition import new_global_index, throughput


def apply_index_updates(
    record: dict[str, Any], updates: list[dict[str, Any]], params: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """Apply Create/Delete/Update actions to the record; the names created and dropped."""
    if params.get("GlobalSecondaryIndexUpdates") is not None and not updates:
        raise invalid("List of GlobalSecondaryIndexUpdates is empty")
    globals_ = record.setdefault("GlobalSecondaryIndexes", [])
    existing = {i["IndexName"]: i for i in globals_}
    local_names = {i["IndexName"] for i in record.get("LocalSecondaryIndexes", [])}
    created: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for update in updates:
        actions = [a for a in ("Create", "Update", "Delete") if update.get(a) is not None]
        if not actions:
            raise invalid(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        if len(actions) > 1:
            raise invalid(
                "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate "
                "object"
            )
        action = update[actions[0]]
        name = action["IndexName"]
        if name in seen:
            raise invalid(
                f"Only one global secondary index update per index is allowed simultaneously. "
                f"Index: {name}"
            )
        seen.add(name)
        if actions[0] == "Create":
            if name in existing or name in local_names:
                raise validation("Attempting to create an index which already exists")
            _check_new_global(action, params, record)
            globals_.append(new_global_index(action, record["BillingMode"]))
            created.append(name)
        elif actions[0] == "Delete":
            if name in local_names:
                raise validation(
                    f"Cannot delete an index that is not a GlobalSecondaryIndex: {name}"
                )
            if name not in existing:
                raise resource_not_found(f"Requested resource not found: Index: {name} not found")
            globals_.remove(existing[name])
            dropped.append(name)
        else:
            if name in local_names:
                raise validation(
                    f"Cannot update an index that is not a GlobalSecondaryIndex: {name}"
                )
            if name not in existing:
                raise validation(
                    "This operation cannot be performed with given input values. Please contact "
                    "DynamoDB service team for more info: Action Blocked: IndexUpdate"
                )
            _update_global_throughput(record, existing[name], action)
    if len(created) + len(dropped) > 1:
        raise limit_exceeded(
            "Subscriber limit exceeded: Only 1 online index can be created or deleted "
            "simultaneously per table"
        )
    if not globals_:
        record.pop("GlobalSecondaryIndexes")
    return created, dropped


def _check_new_global(
    index: dict[str, Any], params: dict[str, Any], record: dict[str, Any]
) -> None:
    name = index["IndexName"]
    given = params.get("AttributeDefinitions")
    if not given:
        raise invalid(f"AttributeDefinitions is not specified for index: {name}")
    index_defs.check_defined([index], [d["AttributeName"] for d in given])
    index_defs.check_global(index)
    types = {d["AttributeName"]: d for d in record["AttributeDefinitions"]}
    for definition in given:
        types.setdefault(definition["AttributeName"], definition)  # a redefinition is ignored
    record["AttributeDefinitions"] = list(types.values())
    has_throughput = index.get("ProvisionedThroughput") is not None
    if record["BillingMode"] == "PROVISIONED" and not has_throughput:
        raise invalid(f"ProvisionedThroughput must be specified for index: {name}")
    if record["BillingMode"] == "PAY_PER_REQUEST" and has_throughput:
        raise invalid(
            f"Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: {name} "
            "when BillingMode is PAY_PER_REQUEST"
        )


def _update_global_throughput(
    record: dict[str, Any], index: dict[str, Any], action: dict[str, Any]
) -> None:
    name = index["IndexName"]
    wanted = action.get("ProvisionedThroughput")
    if record["BillingMode"] == "PAY_PER_REQUEST":
        if wanted is not None:
            raise invalid(
                f"The only Updates for index: {name} when TableThroughputMode is PAY_PER_REQUEST "
                "can be to OnDemandThroughput, WarmThroughput"
            )
        if action.get("OnDemandThroughput"):
            index["OnDemandThroughput"] = action["OnDemandThroughput"]
        return
    if wanted is None:
        raise invalid(
            f"Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: {name}"
        )
    index["ProvisionedThroughput"] = throughput(wanted)
