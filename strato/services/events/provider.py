"""The EventBridge provider: event buses, rules, targets, tags and TestEventPattern.

PutEvents and routing live in `publishing.py`, delivery to targets in `delivery.py`,
scheduled rules in `scheduler.py`.
"""

from __future__ import annotations

import json
from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from ...store import keys
from . import records
from .delivery import Delivery
from .errors import (
    already_exists,
    bus_not_found,
    invalid_pattern,
    limit_exceeded,
    rule_not_found,
    validation,
)
from .patterns import InvalidEvent, InvalidEventPattern, compile_pattern, test_event_pattern
from .publishing import Publishing
from .scheduler import Scheduler
from .schedules import InvalidSchedule, validate_schedule
from .target_input import InvalidPath, check_path

MAX_TARGETS_PER_RULE = 5


class EventsProvider(Publishing, Delivery, Scheduler):
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock
        self._patterns: dict[str, Any] = {}
        Delivery.__init__(self)
        Scheduler.__init__(self)

    async def start(self) -> None:
        await Scheduler.start(self)

    async def stop(self) -> None:
        await Scheduler.stop(self)

    # -- event buses --------------------------------------------------------------
    def bus_record(self, account: str, region: str, name: str) -> dict | None:
        record = self.store.get(records.BUSES, records.bus_key(account, region, name))
        if record is None and name == records.DEFAULT_BUS:
            record = {
                "Name": name,
                "Arn": records.bus_arn(account, region, name),
                "CreationTime": 0,
            }
        return record

    def require_bus(self, ctx: RequestContext, ref: str | None) -> str:
        name = records.bus_name(ref)
        if self.bus_record(ctx.account_id, ctx.region, name) is None:
            raise bus_not_found(name)
        return name

    def create_event_bus(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["Name"]
        if name == records.DEFAULT_BUS or "/" in name:
            raise validation(f"Event bus name {name} is not valid.")
        if params.get("EventSourceName"):
            raise validation("Partner event sources are not supported.")
        key = records.bus_key(ctx.account_id, ctx.region, name)
        arn = records.bus_arn(ctx.account_id, ctx.region, name)
        with self.store.transaction() as tx:
            if tx.get(records.BUSES, key) is not None:
                raise already_exists(f"Event bus {name} already exists.")
            record = {"Name": name, "Arn": arn, "CreationTime": self.clock.now()}
            if params.get("Description"):
                record["Description"] = params["Description"]
            tx.put(records.BUSES, key, record)
            if params.get("Tags"):
                tx.put(records.TAGS, keys.pack(arn), {t["Key"]: t["Value"] for t in params["Tags"]})
        out = {"EventBusArn": arn}
        if params.get("Description"):
            out["Description"] = params["Description"]
        return out

    def describe_event_bus(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = records.bus_name(params.get("Name"))
        record = self.bus_record(ctx.account_id, ctx.region, name)
        if record is None:
            raise bus_not_found(name)
        return _bus_view(record)

    def list_event_buses(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        prefix = params.get("NamePrefix") or ""
        buses = [self.bus_record(ctx.account_id, ctx.region, records.DEFAULT_BUS)]
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, partial=prefix)
        buses += [v for _, v in self.store.scan(records.BUSES, lo, hi)]
        views = [_bus_view(b) for b in buses if b and b["Name"].startswith(prefix)]
        views.sort(key=lambda b: b["Name"])
        page, token = _page(views, params)
        return {"EventBuses": page, **({"NextToken": token} if token else {})}

    def delete_event_bus(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["Name"]
        if name == records.DEFAULT_BUS:
            raise validation("Cannot delete event bus default.")
        with self.store.transaction() as tx:
            record = tx.get(records.BUSES, records.bus_key(ctx.account_id, ctx.region, name))
            if record is None:
                return {}  # AWS answers success for a bus that is not there
            lo, hi = keys.prefix_range(ctx.account_id, ctx.region, name)
            for ns in (records.RULES, records.TARGETS):
                for key, _ in list(tx.scan(ns, lo, hi)):
                    tx.delete(ns, key)
            tx.delete(records.BUSES, records.bus_key(ctx.account_id, ctx.region, name))
            tx.delete(records.TAGS, keys.pack(record["Arn"]))
        return {}

    # -- rules --------------------------------------------------------------------
    def pattern(self, text: str):
        compiled = self._patterns.get(text)
        if compiled is None:
            compiled = self._patterns[text] = compile_pattern(text)
        return compiled

    def put_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["Name"]
        bus = self.require_bus(ctx, params.get("EventBusName"))
        pattern, schedule = params.get("EventPattern"), params.get("ScheduleExpression")
        if not pattern and not schedule:
            raise validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
        if pattern:
            try:
                self.pattern(pattern)
            except InvalidEventPattern as e:
                raise invalid_pattern(e.message) from None
        if schedule:
            if bus != records.DEFAULT_BUS:
                raise validation("ScheduleExpression is supported only on the default event bus.")
            try:
                validate_schedule(schedule)
            except InvalidSchedule:
                raise validation("Parameter ScheduleExpression is not valid.") from None
        state = params.get("State") or "ENABLED"
        arn = records.rule_arn(ctx.account_id, ctx.region, bus, name)
        key = records.rule_key(ctx.account_id, ctx.region, bus, name)
        with self.store.transaction() as tx:
            old = tx.get(records.RULES, key) or {}
            rule = {
                "Name": name,
                "Arn": arn,
                "State": state,
                "EventBusName": bus,
                "CreatedBy": ctx.account_id,
            }
            for field in ("EventPattern", "ScheduleExpression", "Description", "RoleArn"):
                if params.get(field):
                    rule[field] = params[field]
            tx.put(records.RULES, key, rule)
            if params.get("Tags"):
                tags = tx.get(records.TAGS, keys.pack(arn)) or {}
                tags.update({t["Key"]: t["Value"] for t in params["Tags"]})
                tx.put(records.TAGS, keys.pack(arn), tags)
            self.schedule_rule(tx, ctx.account_id, ctx.region, rule, old)
        return {"RuleArn": arn}

    def rule_record(self, ctx: RequestContext, params: dict[str, Any]) -> tuple[str, dict]:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        rule = self.store.get(
            records.RULES, records.rule_key(ctx.account_id, ctx.region, bus, params["Name"])
        )
        if rule is None:
            raise rule_not_found(params["Name"], bus)
        return bus, rule

    def describe_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        return dict(self.rule_record(ctx, params)[1])

    def list_rules(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        lo, hi = keys.prefix_range(
            ctx.account_id, ctx.region, bus, partial=params.get("NamePrefix") or ""
        )
        rules = [dict(v) for _, v in self.store.scan(records.RULES, lo, hi)]
        page, token = _page(rules, params)
        return {"Rules": page, **({"NextToken": token} if token else {})}

    def delete_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        name = params["Name"]
        key = records.rule_key(ctx.account_id, ctx.region, bus, name)
        with self.store.transaction() as tx:
            rule = tx.get(records.RULES, key)
            if rule is None:
                return {}
            lo, hi = keys.prefix_range(ctx.account_id, ctx.region, bus, name)
            if next(iter(tx.scan(records.TARGETS, lo, hi, limit=1)), None) is not None:
                raise validation("Rule can't be deleted since it has targets.")
            tx.delete(records.RULES, key)
            tx.delete(records.TAGS, keys.pack(rule["Arn"]))
            tx.delete(records.SCHEDULE, keys.pack(ctx.account_id, ctx.region, name))
        return {}

    def _set_state(self, ctx: RequestContext, params: dict[str, Any], state: str) -> dict:
        bus, _ = self.rule_record(ctx, params)
        key = records.rule_key(ctx.account_id, ctx.region, bus, params["Name"])
        with self.store.transaction() as tx:
            rule = tx.get(records.RULES, key)
            old = dict(rule)
            rule["State"] = state
            tx.put(records.RULES, key, rule)
            self.schedule_rule(tx, ctx.account_id, ctx.region, rule, old)
        return {}

    def enable_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        return self._set_state(ctx, params, "ENABLED")

    def disable_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        return self._set_state(ctx, params, "DISABLED")

    # -- targets ------------------------------------------------------------------
    def put_targets(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        bus, rule = self.rule_record(ctx, {"Name": params["Rule"], **params})
        targets = params["Targets"]
        if len(targets) > 10:
            raise validation(
                "1 validation error detected: Value at 'targets' failed to satisfy constraint: "
                "Member must have length less than or equal to 10"
            )
        for target in targets:
            _check_target(target)
        failed: list[dict] = []
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, bus, rule["Name"])
        with self.store.transaction() as tx:
            existing = {v["Id"] for _, v in tx.scan(records.TARGETS, lo, hi)}
            new_ids = {t["Id"] for t in targets} - existing
            if len(existing) + len(new_ids) > MAX_TARGETS_PER_RULE:
                raise limit_exceeded(
                    f"The requested resource exceeds the maximum number allowed. "
                    f"A rule can have at most {MAX_TARGETS_PER_RULE} targets."
                )
            for target in targets:
                reason = self._target_problem(ctx, target)
                if reason:
                    failed.append(
                        {
                            "TargetId": target["Id"],
                            "ErrorCode": "ValidationException",
                            "ErrorMessage": reason,
                        }
                    )
                    continue
                key = records.target_key(
                    ctx.account_id, ctx.region, bus, rule["Name"], target["Id"]
                )
                tx.put(records.TARGETS, key, target)
        return {"FailedEntryCount": len(failed), "FailedEntries": failed}

    def _target_problem(self, ctx: RequestContext, target: dict) -> str | None:
        parsed = records.parse_arn(target["Arn"])
        if parsed is None:
            return f"Parameter {target['Arn']} is not valid."
        service, _, _, resource = parsed
        if service == "sqs" and resource.endswith(".fifo"):
            if not (target.get("SqsParameters") or {}).get("MessageGroupId"):
                return f"Parameter(s) SqsParameters must be specified for target: {target['Id']}."
        return None

    def remove_targets(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        bus, rule = self.rule_record(ctx, {"Name": params["Rule"], **params})
        with self.store.transaction() as tx:
            for target_id in params["Ids"]:
                key = records.target_key(ctx.account_id, ctx.region, bus, rule["Name"], target_id)
                tx.delete(records.TARGETS, key)
        return {"FailedEntryCount": 0, "FailedEntries": []}

    def rule_targets(self, account: str, region: str, bus: str, rule: str) -> list[dict]:
        lo, hi = keys.prefix_range(account, region, bus, rule)
        return [v for _, v in self.store.scan(records.TARGETS, lo, hi)]

    def list_targets_by_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        bus, rule = self.rule_record(ctx, {"Name": params["Rule"], **params})
        targets = self.rule_targets(ctx.account_id, ctx.region, bus, rule["Name"])
        page, token = _page(targets, params)
        return {"Targets": page, **({"NextToken": token} if token else {})}

    def list_rule_names_by_target(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, bus)
        names = sorted(
            {
                keys.unpack(k)[3]
                for k, v in self.store.scan(records.TARGETS, lo, hi)
                if v["Arn"] == params["TargetArn"]
            }
        )
        page, token = _page(names, params)
        return {"RuleNames": page, **({"NextToken": token} if token else {})}

    # -- tags and patterns --------------------------------------------------------
    def _tagged(self, ctx: RequestContext, arn: str) -> bytes:
        parsed = records.parse_arn(arn)
        resource = parsed[3] if parsed else ""
        if resource.startswith("event-bus/"):
            if self.bus_record(ctx.account_id, ctx.region, resource[len("event-bus/") :]) is None:
                raise bus_not_found(resource[len("event-bus/") :])
        elif resource.startswith("rule/"):
            path = resource[len("rule/") :]
            bus, _, name = path.rpartition("/")
            bus = bus or records.DEFAULT_BUS
            key = records.rule_key(ctx.account_id, ctx.region, bus, name)
            if self.store.get(records.RULES, key) is None:
                raise rule_not_found(name, bus)
        else:
            raise validation(f"Parameter {arn} is not valid.")
        return keys.pack(arn)

    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        key = self._tagged(ctx, params["ResourceARN"])
        with self.store.transaction() as tx:
            tags = tx.get(records.TAGS, key) or {}
            tags.update({t["Key"]: t["Value"] for t in params["Tags"]})
            tx.put(records.TAGS, key, tags)
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        key = self._tagged(ctx, params["ResourceARN"])
        with self.store.transaction() as tx:
            tags = tx.get(records.TAGS, key) or {}
            for name in params["TagKeys"]:
                tags.pop(name, None)
            tx.put(records.TAGS, key, tags)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        tags = self.store.get(records.TAGS, self._tagged(ctx, params["ResourceARN"])) or {}
        return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}

    def test_event_pattern(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        try:
            return {"Result": test_event_pattern(params["EventPattern"], params["Event"])}
        except InvalidEventPattern as e:
            raise invalid_pattern(e.message) from None
        except InvalidEvent as e:
            raise validation(str(getattr(e, "message", e))) from None


def _bus_view(record: dict) -> dict:
    out = {"Name": record["Name"], "Arn": record["Arn"]}
    if record.get("Description"):
        out["Description"] = record["Description"]
    return out


def _check_target(target: dict) -> None:
    given = [k for k in ("Input", "InputPath", "InputTransformer") if k in target]
    if len(given) > 1:
        raise validation(
            f"Only one of Input, InputPath, or InputTransformer must be provided for target {target['Id']}."
        )
    if "Input" in target:
        try:
            json.loads(target["Input"])
        except ValueError:
            raise validation(
                f"Target {target['Id']} has invalid Input. Input must be valid JSON."
            ) from None
    try:
        if "InputPath" in target:
            check_path(target["InputPath"])
        for path in ((target.get("InputTransformer") or {}).get("InputPathsMap") or {}).values():
            check_path(path)
    except InvalidPath as e:
        raise validation(f"Target {target['Id']} has an invalid JSON path: {e}") from None


def _page(items: list, params: dict[str, Any]) -> tuple[list, str | None]:
    start = int(params["NextToken"]) if str(params.get("NextToken") or "").isdigit() else 0
    limit = params.get("Limit") or 100
    page = items[start : start + limit]
    token = str(start + limit) if start + limit < len(items) else None
    return page, token
