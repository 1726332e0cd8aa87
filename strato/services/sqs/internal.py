"""SQS for other parts of Strato, without HTTP (see the provider's docstring)."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from . import records
from .base import SqsBase
from .errors import queue_does_not_exist
from .queue_attributes import is_fifo


def _attributes(attributes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Plain strings become String attributes; dicts are wire-shaped attribute values."""
    from .sending import stored_attributes

    wire = {
        name: value
        if isinstance(value, dict)
        else {"DataType": "String", "StringValue": str(value)}
        for name, value in (attributes or {}).items()
    }
    return stored_attributes(wire)


def _system(source_arn: str | None, trace_header: str | None) -> dict[str, str]:
    system = {"SourceArn": source_arn} if source_arn else {}
    if trace_header:
        system["AWSTraceHeader"] = trace_header
    return system


class InternalApi(SqsBase):
    def send_internal(
        self,
        account: str,
        region: str,
        queue: str,
        body: str,
        attributes: dict[str, Any] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
        source_arn: str | None = None,
        delay_seconds: int | None = None,
        *,
        trace_header: str | None = None,
    ) -> str:
        qid = self.queue_id(account, region, queue)
        with self.store.transaction() as tx:
            record = self.queue_record(qid, tx)
            fifo = is_fifo(record)
            stored = _attributes(attributes)
            if fifo and dedup_id is None:  # callers without an id get content-based dedup
                dedup_id = hashlib.sha256(body.encode()).hexdigest()
            group_id, dedup_id = (group_id, dedup_id) if fifo else (None, None)
            self.check_message(
                record, body, stored, delay_seconds if not fifo else None, group_id, dedup_id
            )  # type: ignore[attr-defined]
            message = self.enqueue(
                tx,
                qid,
                record,
                body,
                stored,
                delay=delay_seconds if not fifo else None,
                group_id=group_id,
                dedup_id=dedup_id,
                sender=source_arn.split(":")[4]
                if source_arn and source_arn.count(":") >= 5
                else account,
                system=_system(source_arn, trace_header),
            )
        return message["Id"]

    def receive_internal(
        self,
        account: str,
        region: str,
        queue: str,
        max_messages: int = 10,
        visibility_timeout: int | None = None,
    ) -> list[dict[str, Any]]:
        qid = self.queue_id(account, region, queue)
        taken = self.take(qid, max_messages, visibility_timeout)  # type: ignore[attr-defined]
        return [self.render(qid, m, {"All"}, ["All"]) for m in taken]  # type: ignore[attr-defined]

    async def wait_for_messages(
        self,
        account: str,
        region: str,
        queue: str,
        max_messages: int = 10,
        visibility_timeout: int | None = None,
        wait_seconds: float = 20,
    ) -> list[dict[str, Any]]:
        qid = self.queue_id(account, region, queue)
        taken = await self.receive_waiting(qid, max_messages, visibility_timeout, wait_seconds)  # type: ignore[attr-defined]
        return [self.render(qid, m, {"All"}, ["All"]) for m in taken]  # type: ignore[attr-defined]

    def delete_internal(self, account: str, region: str, queue: str, receipt_handle: str) -> bool:
        return self.delete_by_handle(self.queue_id(account, region, queue), receipt_handle)  # type: ignore[attr-defined]

    def change_visibility_internal(
        self, account: str, region: str, queue: str, receipt_handle: str, timeout: int
    ) -> None:
        self.change_visibility(self.queue_id(account, region, queue), receipt_handle, timeout)  # type: ignore[attr-defined]

    def queue_exists(self, account: str, region: str, queue: str) -> bool:
        qid = self.queue_id(account, region, queue)
        return self.store.get(records.QUEUES, records.queue_key(*qid)) is not None

    def queue_attributes_internal(self, account: str, region: str, queue: str) -> dict[str, str]:
        qid = self.queue_id(account, region, queue)
        return self.attributes_of(qid, self.queue_record(qid))  # type: ignore[attr-defined]

    # -- Lambda's seam (strato/services/lambda_/destinations.py) ------------
    def deliver_lambda_destination(self, arn: str, record_json: str) -> None:
        account, region, _ = records.parse_queue_ref(arn)
        if not account or not region:
            raise queue_does_not_exist()
        self._deliver(account, region, arn, record_json, None)

    def deliver_lambda_dead_letter(self, arn: str, body: str, attributes: dict[str, str]) -> None:
        account, region, _ = records.parse_queue_ref(arn)
        if not account or not region:
            raise queue_does_not_exist()
        self._deliver(account, region, arn, body, attributes)

    def _deliver(
        self, account: str, region: str, arn: str, body: str, attributes: dict[str, str] | None
    ) -> None:
        qid = self.queue_id(account, region, arn)
        record = self.queue_record(qid)
        group = dedup = None
        if is_fifo(record):
            group, dedup = "lambda", uuid.uuid4().hex
        self.send_internal(account, region, arn, body or json.dumps(None), attributes, group, dedup)
