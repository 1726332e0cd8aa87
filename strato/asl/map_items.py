"""Where a Map state's items come from (ItemReader) and how they are grouped (ItemBatcher)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from strato.asl import payload
from strato.asl.errors import ITEM_READER_FAILED, RUNTIME, ExecutionError, PathNotFound
from strato.asl.integrations import ITEM_READER, Pending, TaskRequest

if TYPE_CHECKING:
    from strato.asl.definition import State
    from strato.asl.execution import Execution
    from strato.asl.state_data import StateData


def read_items(ex: Execution, frame: dict, data: StateData, state: State, effective: Any):
    """ItemReader: the integration reads and parses the source (S3 object, listing...) and
    returns the list of items, now or later (PENDING parks the Map frame until
    `Execution.complete_task`). Returns the items, or None while they are on their way."""
    reader = state.get("ItemReader") or {}
    if data.jsonata:
        evaluated = data.field("ItemReader", {})
        params = evaluated.get("Arguments", {})
        config = dict(evaluated.get("ReaderConfig") or {})
    else:
        params = payload.render(reader.get("Parameters", {}), data.scope(effective))
        config = dict(reader.get("ReaderConfig") or {})
    if "MaxItemsPath" in config and not data.jsonata:
        path = config.pop("MaxItemsPath")
        try:
            config["MaxItems"] = data.scope(data.raw).read(path)
        except PathNotFound as exc:
            raise ExecutionError(
                RUNTIME, f"The MaxItemsPath field refers to a value that does not exist: {path}"
            ) from exc
    limit = config.get("MaxItems")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ExecutionError(
            RUNTIME, f"The MaxItems value must be a non-negative integer: {payload.to_json(limit)}"
        )
    if ex.integrations is None:
        raise ExecutionError(ITEM_READER_FAILED, "No integration can read the Map items")
    task_id = str(uuid.uuid4())
    request = TaskRequest(
        resource=reader.get("Resource", ""),
        parameters={**params, "ReaderConfig": config},
        state_name=state.name,
        execution_arn=ex.data["context"]["Execution"]["Id"],
        task_id=task_id,
        kind=ITEM_READER,
    )
    try:
        items = ex.integrations.invoke(request)
    except ExecutionError as exc:
        raise ExecutionError(ITEM_READER_FAILED, exc.cause, propagated=True) from exc
    if isinstance(items, Pending):
        park(ex, frame, ITEM_READER, task_id, {"limit": limit})
        return None
    return limited(items, limit)


def limited(items: Any, limit: Any) -> list:
    if not isinstance(items, list):
        raise ExecutionError(
            ITEM_READER_FAILED, "The ItemReader did not return a list of items", propagated=True
        )
    return items[:limit] if isinstance(limit, int) and limit > 0 else items


def park(ex: Execution, frame: dict, kind: str, task_id: str, extra: dict) -> None:
    """The Map frame waits for a reader or writer answer as a Task waits for its result."""
    frame["pending"] = {
        "kind": kind,
        "resource": kind,
        "token": None,
        "resolved": None,
        "deadline": None,
        "heartbeat": None,
        "task_id": task_id,
        **extra,
    }
    ex.data.setdefault("tasks", {})[task_id] = frame["id"]
    frame["phase"] = "task"
    frame["wake_at"] = None


def take_answer(ex: Execution, frame: dict) -> dict:
    """The reader's or writer's answer, with the frame back in its running phase."""
    pending = frame["pending"]
    frame["pending"] = None
    frame["phase"] = "run"
    ex.data.get("tasks", {}).pop(pending["task_id"], None)
    return pending


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
