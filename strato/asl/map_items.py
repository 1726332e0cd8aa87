"""Where a Map state's items come from (ItemReader) and how they are grouped (ItemBatcher)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strato.asl import payload
from strato.asl.errors import ITEM_READER_FAILED, ExecutionError
from strato.asl.integrations import Pending, TaskRequest

if TYPE_CHECKING:
    from strato.asl.definition import State
    from strato.asl.execution import Execution
    from strato.asl.state_data import StateData


def read_items(ex: Execution, data: StateData, state: State, effective: Any) -> list:
    """ItemReader: the integration reads and parses the source (S3 object, listing...) and
    returns the list of items; ReaderConfig is passed along for it."""
    reader = state.get("ItemReader") or {}
    if data.jsonata:
        params = data.field("ItemReader", {}).get("Arguments", {})
    else:
        params = payload.render(reader.get("Parameters", {}), data.scope(effective))
    config = reader.get("ReaderConfig") or {}
    if ex.integrations is None:
        raise ExecutionError(ITEM_READER_FAILED, "No integration can read the Map items")
    request = TaskRequest(
        resource=reader.get("Resource", ""),
        parameters={**params, "ReaderConfig": config},
        state_name=state.name,
        execution_arn=ex.data["context"]["Execution"]["Id"],
    )
    try:
        items = ex.integrations.invoke(request)
    except ExecutionError as exc:
        raise ExecutionError(ITEM_READER_FAILED, exc.cause, propagated=True) from exc
    if isinstance(items, Pending) or not isinstance(items, list):
        raise ExecutionError(
            ITEM_READER_FAILED, "The ItemReader did not return a list of items", propagated=True
        )
    limit = config.get("MaxItems")
    return items[: int(limit)] if isinstance(limit, int) and limit > 0 else items


def batch(data: StateData, state: State, effective: Any, inputs: list) -> list:
    """ItemBatcher: each child gets {"Items": [...], "BatchInput": ...}."""
    batcher = state.get("ItemBatcher")
    if not batcher:
        return inputs
    if data.jsonata:
        batcher = data.field("ItemBatcher")
        batch_input = batcher.get("BatchInput")
    else:
        batch_input = payload.render(batcher.get("BatchInput"), data.scope(effective))
    max_items = batcher.get("MaxItemsPerBatch") or len(inputs) or 1
    max_bytes = batcher.get("MaxInputBytesPerBatch") or 256 * 1024
    batches: list[list] = []
    size = 0
    for item in inputs:
        item_size = len(payload.to_json(item).encode())
        if not batches or len(batches[-1]) >= max_items or size + item_size > max_bytes:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += item_size
    out = []
    for items in batches:
        entry: dict = {"Items": items}
        if batch_input is not None:
            entry["BatchInput"] = batch_input
        out.append(entry)
    return out
