"""PutEvents: per-entry validation, the event document, and routing to matching rules' targets.

Routing adds one outbox entry per (rule, target) in the same store transaction, so
delivery (`delivery.py`) is at least once and survives a restart.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import records
from .errors import validation

MAX_REQUEST_BYTES = 256 * 1024


def entry_size(entry: dict[str, Any]) -> int:
    """An entry's size as AWS counts it toward the 256 KB limit."""
    size = 14 if entry.get("Time") is not None else 0
    for field in ("Source", "DetailType", "Detail"):
        size += len((entry.get(field) or "").encode())
    size += sum(len(r.encode()) for r in entry.get("Resources") or [])
    return size


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Publishing:
    def put_events(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        entries = params["Entries"]
        if len(entries) > 10:
            raise validation(
                "1 validation error detected: Value at 'entries' failed to satisfy constraint: "
                "Member must have length less than or equal to 10"
            )
        if sum(entry_size(e) for e in entries) > MAX_REQUEST_BYTES:
            raise validation("Total size of the entries in the request is over the limit.")
        results: list[dict] = []
        failed = 0
        with self.store.transaction() as tx:
            for entry in entries:
                problem = self._entry_problem(ctx, entry)
                if problem:
                    failed += 1
                    results.append({"ErrorCode": problem[0], "ErrorMessage": problem[1]})
                    continue
                event = self.event_document(ctx.account_id, ctx.region, entry)
                bus = records.bus_name(entry.get("EventBusName"))
                self.route(tx, ctx.account_id, ctx.region, bus, event)
                results.append({"EventId": event["id"]})
        return {"FailedEntryCount": failed, "Entries": results}

    def _entry_problem(self, ctx: RequestContext, entry: dict[str, Any]) -> tuple[str, str] | None:
        for field in ("Source", "DetailType", "Detail"):
            if not entry.get(field):
                return (
                    "InvalidArgument",
                    f"Parameter {field} is not valid. Reason: {field} is a required argument.",
                )
        try:
            detail = json.loads(entry["Detail"])
        except ValueError:
            return ("MalformedDetail", "Detail is malformed.")
        if not isinstance(detail, dict):
            return ("MalformedDetail", "Detail is malformed.")
        for resource in entry.get("Resources") or []:
            if not isinstance(resource, str) or not resource:
                return ("InvalidArgument", "Parameter Resources is not valid.")
        bus = records.bus_name(entry.get("EventBusName"))
        if self.bus_record(ctx.account_id, ctx.region, bus) is None:
            return ("ResourceNotFoundException", f"Event bus {bus} does not exist.")
        return None

    def event_document(self, account: str, region: str, entry: dict[str, Any]) -> dict:
        when = entry.get("Time")
        if isinstance(when, dt.datetime):
            when = when.timestamp()
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": entry["DetailType"],
            "source": entry["Source"],
            "account": account,
            "time": _iso(when if when is not None else self.clock.now()),
            "region": region,
            "resources": list(entry.get("Resources") or []),
            "detail": json.loads(entry["Detail"]),
        }

    def route(
        self, tx, account: str, region: str, bus: str, event: dict, only_rule: str = ""
    ) -> int:
        """Queue the event for every target of every enabled rule on the bus that matches it."""
        lo, hi = keys.prefix_range(account, region, bus)
        count = 0
        for _, rule in list(tx.scan(records.RULES, lo, hi)):
            if rule.get("State") != "ENABLED":
                continue
            if only_rule:
                if rule["Name"] != only_rule:
                    continue
            elif not rule.get("EventPattern") or not self.pattern(rule["EventPattern"]).matches(
                event
            ):
                continue
            tlo, thi = keys.prefix_range(account, region, bus, rule["Name"])
            for _, target in list(tx.scan(records.TARGETS, tlo, thi)):
                delivery = {
                    "Account": account,
                    "Region": region,
                    "Rule": rule["Name"],
                    "RuleArn": rule["Arn"],
                    "Target": target,
                    "Event": event,
                }
                self.queue_delivery(delivery)
                count += 1
        return count

    # -- the seam Lambda's destinations call -------------------------------------
    def deliver_lambda_destination(self, arn: str, record_json: str) -> None:
        parsed = records.parse_arn(arn)
        if parsed is None:
            return
        _, region, account, _ = parsed
        record = json.loads(record_json)
        failed = (record.get("requestContext") or {}).get("condition") not in (None, "Success")
        kind = "Failure" if failed else "Success"
        entry = {
            "Source": "lambda",
            "DetailType": f"Lambda Function Invocation Result - {kind}",
            "Detail": record_json,
            "Resources": [arn, (record.get("requestContext") or {}).get("functionArn", "")],
        }
        entry["Resources"] = [r for r in entry["Resources"] if r]
        event = self.event_document(account, region, entry)
        with self.store.transaction() as tx:
            self.route(tx, account, region, records.bus_name(arn), event)
