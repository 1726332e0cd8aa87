"""Queue operations: create, look up, list, delete, attributes, purge, tags, DLQ sources."""

from __future__ import annotations

import base64
import json
from typing import Any

from ...auth import RequestContext
from . import records
from .base import QueueId, SqsBase
from .errors import invalid_attribute_name, invalid_parameter, queue_does_not_exist
from .queue_attributes import (
    COMPUTED,
    DEFAULTS,
    FIFO_DEFAULTS,
    READABLE,
    check_queue_name,
    is_fifo,
    validate,
)


class QueueOperations(SqsBase):
    def url_of(self, ctx: RequestContext, qid: QueueId) -> str:
        return records.queue_url(ctx.host, qid[0], qid[2])

    def resolve(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> tuple[QueueId, dict[str, Any]]:
        qid = self.queue_id(ctx.account_id, ctx.region, params["QueueUrl"])
        return qid, self.queue_record(qid)

    def create_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params["QueueName"]
        given = dict(params.get("Attributes") or {})
        fifo_flag = given.get("FifoQueue", "false").lower() == "true"
        if name.endswith(".fifo") and not fifo_flag:
            if "FifoQueue" in given:
                raise invalid_parameter(
                    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
                )
            fifo_flag = False
        check_queue_name(name, fifo_flag)
        attributes = validate(given, fifo_flag, creating=True)
        qid = (ctx.account_id, ctx.region, name)
        key = records.queue_key(*qid)
        with self.store.transaction() as tx:
            existing = tx.get(records.QUEUES, key)
            if existing is not None:
                current = existing["Attributes"]
                for attr, value in attributes.items():
                    if current.get(attr, DEFAULTS.get(attr, FIFO_DEFAULTS.get(attr))) != value:
                        raise _name_exists(attr)
                if fifo_flag != is_fifo(existing):
                    raise _name_exists("FifoQueue")
                return {"QueueUrl": self.url_of(ctx, qid)}
            now = int(self.clock.now())
            stored = {**DEFAULTS, **(FIFO_DEFAULTS if fifo_flag else {}), **attributes}
            tx.put(
                records.QUEUES,
                key,
                {
                    "Name": name,
                    "Attributes": stored,
                    "Created": now,
                    "Modified": now,
                    "Tags": dict(params.get("tags") or {}),
                    "Layout": records.LAYOUT,
                },
            )
        return {"QueueUrl": self.url_of(ctx, qid)}

    def get_queue_url(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        account = params.get("QueueOwnerAWSAccountId") or ctx.account_id
        qid = (account, ctx.region, params["QueueName"])
        self.queue_record(qid)
        return {"QueueUrl": self.url_of(ctx, qid)}

    def list_queues(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("QueueNamePrefix") or ""
        limit = params.get("MaxResults")
        if limit is not None and not 1 <= limit <= 1000:
            raise invalid_parameter(
                "Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000."
            )
        lo, hi = records.keys.prefix_range(ctx.account_id, ctx.region, partial=prefix)
        token = params.get("NextToken")
        if token:
            try:
                after = base64.urlsafe_b64decode(token.encode()).decode()
            except ValueError:
                raise invalid_parameter("Invalid NextToken value.") from None
            lo = max(lo, records.keys.after(records.queue_key(ctx.account_id, ctx.region, after)))
        page = limit or 1000
        rows = list(self.store.scan(records.QUEUES, lo, hi, limit=page + 1))
        out: dict[str, Any] = {}
        urls = [self.url_of(ctx, (ctx.account_id, ctx.region, r["Name"])) for _, r in rows[:page]]
        if urls:
            out["QueueUrls"] = urls
        if limit is not None and len(rows) > page:
            out["NextToken"] = base64.urlsafe_b64encode(rows[page - 1][1]["Name"].encode()).decode()
        return out

    def delete_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid, _ = self.resolve(ctx, params)
        with self.store.transaction() as tx:
            tx.delete(records.QUEUES, records.queue_key(*qid))
            self.clear_queue(tx, qid, dedup=True)
        self.notify(qid)
        return {}

    def purge_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid, _ = self.resolve(ctx, params)
        with self.store.transaction() as tx:
            self.clear_queue(tx, qid)
        return {}

    def get_queue_attributes(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid, queue = self.resolve(ctx, params)
        names = params.get("AttributeNames") or []
        for name in names:
            if name != "All" and name not in READABLE:
                raise invalid_attribute_name(name)
        if not names:
            return {}
        every = self.attributes_of(qid, queue)
        wanted = every if "All" in names else {k: v for k, v in every.items() if k in names}
        return {"Attributes": wanted} if wanted else {}

    def attributes_of(self, qid: QueueId, queue: dict[str, Any]) -> dict[str, str]:
        out = {k: v for k, v in queue["Attributes"].items() if v != ""}
        out["QueueArn"] = records.queue_arn(*qid[:2], qid[2])
        out["CreatedTimestamp"] = str(queue["Created"])
        out["LastModifiedTimestamp"] = str(queue["Modified"])
        out.update({k: str(v) for k, v in self.counts(qid).items()})
        return out

    def set_queue_attributes(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid, queue = self.resolve(ctx, params)
        given = dict(params.get("Attributes") or {})
        for name in given:
            if name in COMPUTED:
                raise invalid_attribute_name(name)
        if "FifoQueue" in given:
            raise invalid_attribute_name("FifoQueue")
        attributes = validate(given, is_fifo(queue), creating=False)
        with self.store.transaction() as tx:
            queue = self.queue_record(qid, tx)
            queue["Attributes"].update(attributes)
            queue["Modified"] = int(self.clock.now())
            tx.put(records.QUEUES, records.queue_key(*qid), queue)
        self.notify(qid)
        return {}

    def list_dead_letter_source_queues(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        qid, _ = self.resolve(ctx, params)
        arn = records.queue_arn(*qid)
        lo, hi = records.keys.prefix_range(ctx.account_id, ctx.region)
        urls = []
        for _, queue in self.store.scan(records.QUEUES, lo, hi):
            policy = queue["Attributes"].get("RedrivePolicy")
            if policy and json.loads(policy).get("deadLetterTargetArn") == arn:
                urls.append(self.url_of(ctx, (ctx.account_id, ctx.region, queue["Name"])))
        limit = params.get("MaxResults") or 1000
        start = 0
        if params.get("NextToken"):
            start = int(base64.urlsafe_b64decode(params["NextToken"].encode()).decode())
        out: dict[str, Any] = {"queueUrls": urls[start : start + limit]}
        if params.get("MaxResults") and start + limit < len(urls):
            out["NextToken"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
        return out

    # -- tags and permissions ---------------------------------------------
    def tag_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid, _ = self.resolve(ctx, params)
        with self.store.transaction() as tx:
            queue = self.queue_record(qid, tx)
            queue.setdefault("Tags", {}).update(params.get("Tags") or {})
            if len(queue["Tags"]) > 50:
                raise invalid_parameter("Too many tags added for queue. The limit is 50.")
            tx.put(records.QUEUES, records.queue_key(*qid), queue)
        return {}

    def untag_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid, _ = self.resolve(ctx, params)
        with self.store.transaction() as tx:
            queue = self.queue_record(qid, tx)
            for key in params.get("TagKeys") or []:
                queue.setdefault("Tags", {}).pop(key, None)
            tx.put(records.QUEUES, records.queue_key(*qid), queue)
        return {}

    def list_queue_tags(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        _, queue = self.resolve(ctx, params)
        tags = queue.get("Tags") or {}
        return {"Tags": tags} if tags else {}

    def add_permission(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid, _ = self.resolve(ctx, params)
        with self.store.transaction() as tx:
            queue = self.queue_record(qid, tx)
            policy = json.loads(queue["Attributes"].get("Policy") or "null") or {
                "Version": "2012-10-17",
                "Id": records.queue_arn(*qid) + "/SQSDefaultPolicy",
                "Statement": [],
            }
            if any(s.get("Sid") == params["Label"] for s in policy["Statement"]):
                raise invalid_parameter(
                    f"Value {params['Label']} for parameter Label is invalid. Reason: Already exists."
                )
            policy["Statement"].append(
                {
                    "Sid": params["Label"],
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": [f"arn:aws:iam::{a}:root" for a in params["AWSAccountIds"]]
                    },
                    "Action": [f"SQS:{a}" for a in params["Actions"]],
                    "Resource": records.queue_arn(*qid),
                }
            )
            queue["Attributes"]["Policy"] = json.dumps(policy)
            tx.put(records.QUEUES, records.queue_key(*qid), queue)
        return {}

    def remove_permission(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        qid, _ = self.resolve(ctx, params)
        with self.store.transaction() as tx:
            queue = self.queue_record(qid, tx)
            policy = json.loads(queue["Attributes"].get("Policy") or "null")
            statements = (policy or {}).get("Statement", [])
            kept = [s for s in statements if s.get("Sid") != params["Label"]]
            if len(kept) == len(statements):
                raise invalid_parameter(
                    f"Value {params['Label']} for parameter Label is invalid. Reason: can't find label."
                )
            policy["Statement"] = kept
            queue["Attributes"]["Policy"] = json.dumps(policy) if kept else ""
            tx.put(records.QUEUES, records.queue_key(*qid), queue)
        return {}


def _name_exists(attr: str):
    from ...protocol import ServiceError

    return ServiceError(
        "QueueNameExists",
        f"A queue already exists with the same name and a different value for attribute {attr}",
    )


__all__ = ["QueueOperations", "queue_does_not_exist"]
