"""Turning one item change into one stream record, inside the transaction that makes the change.

DynamoDB writes no record for a write that leaves the item as it was (a PutItem of
an identical item, an UpdateItem that sets what is already there, a DeleteItem of a
missing item): "If you perform a PutItem or UpdateItem operation that does not change
any data in an item, DynamoDB Streams does not write a stream record for that
operation." (Developer Guide, Change data capture for DynamoDB Streams.)
"""

from __future__ import annotations

import os
from typing import Any

from ...store import Store
from ..dynamodb.attribute_values import item_size, values_equal
from ..dynamodb.item_codec import to_stored, to_wire
from . import lifecycle, records
from .records import RECORDS, STREAMS

SERVICE_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}

_SIZED = ("Keys", "NewImage", "OldImage")
TRIM_EVERY = 64  # writes between trims on the write path

_IMAGES = {
    "KEYS_ONLY": (False, False),
    "NEW_IMAGE": (True, False),
    "OLD_IMAGE": (False, True),
    "NEW_AND_OLD_IMAGES": (True, True),
}


def capture_change(
    store: Store,
    sequences: lifecycle.Sequences,
    now_ms: int,
    account: str,
    region: str,
    table: dict[str, Any],
    keys: dict[str, Any],
    old_image: dict[str, Any] | None,
    new_image: dict[str, Any] | None,
    service_deletion: bool = False,
) -> dict[str, Any] | None:
    """Append the stream record for a change (the caller's transaction is open); return it,
    or None when the table has no enabled stream or nothing changed."""
    if lifecycle.current_stream(table) is None or _unchanged(old_image, new_image):
        return None
    stream = lifecycle.ensure_open(store, sequences, now_ms, account, region, table)
    if stream is None:
        return None
    view_type = stream["StreamViewType"]
    with_new, with_old = _IMAGES.get(view_type, (True, True))
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": now_ms // 1000,
        "Keys": to_stored(keys),
    }
    if with_new and new_image is not None:
        body["NewImage"] = to_stored(new_image)
    if with_old and old_image is not None:
        body["OldImage"] = to_stored(old_image)
    seq = sequences.next()
    body["SequenceNumber"] = records.sequence_text(seq)
    body["StreamViewType"] = view_type  # SizeBytes is worked out when the record is read
    record: dict[str, Any] = {
        "seq": seq,
        "created_ms": now_ms,
        "eventID": os.urandom(16).hex(),
        "eventName": "INSERT" if old_image is None else "REMOVE" if new_image is None else "MODIFY",
        "dynamodb": body,
    }
    if service_deletion:
        record["userIdentity"] = SERVICE_IDENTITY
    name, label = stream["TableName"], stream["StreamLabel"]
    store.put(RECORDS, records.record_key(account, region, name, label, seq), record)
    # Reads trim too; this keeps a shard nobody reads from growing without bound.
    if seq % TRIM_EVERY == 0 and lifecycle.trim(store, account, region, stream, now_ms):
        store.put(STREAMS, records.stream_key(account, region, name, label), stream)
    return record


def _unchanged(old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    """Whether a write left the item as it was (numbers by value, sets in any order)."""
    if old is None or new is None:
        return old is new
    return old.keys() == new.keys() and all(values_equal(old[k], new[k]) for k in old)


def size_bytes(record: dict[str, Any]) -> int:
    """The record's SizeBytes: its key and images, by DynamoDB's item-size rules."""
    body = record["dynamodb"]
    return sum(item_size(body[image]) for image in _SIZED if image in body)


def wire_record(record: dict[str, Any], region: str) -> dict[str, Any]:
    """A stored record as GetRecords returns it (botocore's `Record` shape)."""
    body = dict(record["dynamodb"])
    body["SizeBytes"] = size_bytes(record)
    for image in _SIZED:
        if image in body:
            body[image] = to_wire(body[image])
    out: dict[str, Any] = {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": body,
    }
    if "userIdentity" in record:
        out["userIdentity"] = dict(record["userIdentity"])
    return out
