"""What every event source poller shares: mapping, checkpoint and status records, filters,
and invoking the mapped function synchronously with one batch."""

from __future__ import annotations

import json
import uuid
from typing import Any

from ...auth import RequestContext
from ...runtime.invocation import Outcome
from ...store import keys
from .base import LambdaBase

ESM = "lambda:esm"  # (uuid,) -> mapping record
CHECKPOINTS = "lambda:esm-checkpoints"  # (uuid, shard id) -> stream position of a mapping
STATUS = "lambda:esm-status"  # (uuid,) -> {"LastProcessingResult": ...}

NO_RECORDS = "No records processed"
OK = "OK"


def mapping_key(mapping_id: str) -> bytes:
    return keys.pack(mapping_id)


def checkpoint_key(mapping_id: str, shard_id: str) -> bytes:
    return keys.pack(mapping_id, shard_id)


class EventSourceBase(LambdaBase):
    def _active(self, mapping_id: str) -> dict[str, Any] | None:
        mapping = self.store.get(ESM, mapping_key(mapping_id))
        return mapping if mapping is not None and mapping["State"] == "Enabled" else None

    def _set_result(self, mapping_id: str, result: str) -> None:
        """Record LastProcessingResult (only when it changes, and never for a deleted mapping)."""
        key = mapping_key(mapping_id)
        with self.store.transaction():
            current = self.store.get(STATUS, key) or {}
            if current.get("LastProcessingResult") == result:
                return
            if self.store.get(ESM, key) is None:
                return
            self.store.put(STATUS, key, {"LastProcessingResult": result})

    def _last_result(self, mapping_id: str) -> str:
        return (self.store.get(STATUS, mapping_key(mapping_id)) or {}).get(
            "LastProcessingResult", NO_RECORDS
        )

    async def _invoke_batch(
        self, mapping: dict[str, Any], event: dict[str, Any], lineage: int = 0
    ) -> tuple[Outcome, str]:
        """Invoke the mapped function synchronously with `event`; (outcome, request id).
        ServiceError (throttled, function gone) propagates: the batch never ran."""
        account, region = mapping["Account"], mapping["Region"]
        request_id = str(uuid.uuid4())
        ctx = RequestContext(
            account, region, mapping.get("Principal", ""), None, request_id, service="lambda"
        )
        record = self.function(ctx, mapping["FunctionName"])
        version = self.route_alias(record, mapping.get("Qualifier"))  # type: ignore[attr-defined]
        config = self.version_config(ctx, record, version)
        payload = json.dumps(event).encode()
        outcome = await self.run(  # type: ignore[attr-defined]
            ctx, record, config, payload, request_id, mapping.get("Qualifier"), None, lineage
        )
        return outcome, request_id


def patterns(mapping: dict[str, Any]) -> list:
    """The compiled FilterCriteria patterns of a mapping (empty: every record passes)."""
    filters = (mapping.get("FilterCriteria") or {}).get("Filters") or []
    if not filters:
        return []
    from ..events.patterns import compile_pattern

    return [compile_pattern(f["Pattern"]) for f in filters if f.get("Pattern")]


def batch_item_failures(payload: bytes, ids: list[str]) -> list[str] | None:
    """The identifiers a ReportBatchItemFailures response names, in batch order; None when the
    response is malformed (an empty, null or unknown identifier), which fails the whole batch."""
    try:
        response = json.loads(payload or b"null")
    except ValueError:
        return []
    if not isinstance(response, dict):
        return []
    failures = response.get("batchItemFailures")
    if not failures:
        return []
    if not isinstance(failures, list):
        return None
    named = set()
    for item in failures:
        ident = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not ident or ident not in ids:
            return None
        named.add(ident)
    return [i for i in ids if i in named]
