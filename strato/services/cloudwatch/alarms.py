"""Metric alarms: stored, described, deleted and set by hand; their history. No evaluation yet."""

from __future__ import annotations

import json
from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from ...protocol.timestamps import to_datetime
from ...store import keys
from . import records
from .errors import (
    bad_value,
    invalid_combination,
    invalid_format,
    invalid_next_token,
    invalid_value,
    missing_parameter,
    resource_not_found,
)
from .periods import is_valid_period
from .statistics import STANDARD, is_extended
from .validation import check_unit, dimensions_of

_TREAT_MISSING = ("breaching", "notBreaching", "ignore", "missing")
_CONFIG_MEMBERS = (
    "AlarmDescription",
    "ActionsEnabled",
    "OKActions",
    "AlarmActions",
    "InsufficientDataActions",
    "MetricName",
    "Namespace",
    "Statistic",
    "ExtendedStatistic",
    "Dimensions",
    "Period",
    "Unit",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "EvaluateLowSampleCountPercentile",
    "Metrics",
    "ThresholdMetricId",
    "EvaluationCriteria",
    "EvaluationInterval",
)


class AlarmOperations:
    def __init__(self, platform: Platform) -> None:
        self.store = platform.store
        self.clock = platform.clock

    # -- records ----------------------------------------------------------------------------
    def alarm_arn(self, ctx: RequestContext, name: str) -> str:
        return ctx.arn("cloudwatch", f"alarm:{name}")

    def _get(self, ctx: RequestContext, name: str) -> dict | None:
        return self.store.get(records.ALARMS, keys.pack(ctx.account_id, ctx.region, name))

    def _save(self, ctx: RequestContext, alarm: dict) -> None:
        self.store.put(
            records.ALARMS, keys.pack(ctx.account_id, ctx.region, alarm["AlarmName"]), alarm
        )

    def _history(self, ctx: RequestContext, name: str, kind: str, summary: str, data: dict) -> None:
        now = self.clock.now()
        key = keys.pack(
            ctx.account_id, ctx.region, name, records.time_part(int(now * 1000)), records.next_seq()
        )
        self.store.put(
            records.HISTORY,
            key,
            {
                "AlarmName": name,
                "AlarmType": "MetricAlarm",
                "Timestamp": now,
                "HistoryItemType": kind,
                "HistorySummary": summary,
                "HistoryData": json.dumps(data, separators=(",", ":")),
            },
        )

    # -- PutMetricAlarm -----------------------------------------------------------------------
    def put_metric_alarm(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        _check_alarm(params)
        now = self.clock.now()
        name = params["AlarmName"]
        with self.store.transaction():
            existing = self._get(ctx, name)
            alarm = {
                "AlarmName": name,
                "AlarmArn": self.alarm_arn(ctx, name),
                "ActionsEnabled": True,
                "OKActions": [],
                "AlarmActions": [],
                "InsufficientDataActions": [],
                "Dimensions": [],
            }
            alarm.update({k: params[k] for k in _CONFIG_MEMBERS if k in params})
            alarm["AlarmConfigurationUpdatedTimestamp"] = now
            if existing is None:
                alarm.update(
                    StateValue="INSUFFICIENT_DATA",
                    StateReason="Unchecked: Initial alarm creation",
                    StateUpdatedTimestamp=now,
                    StateTransitionedTimestamp=now,
                )
                if params.get("Tags"):
                    self.store.put(
                        records.TAGS,
                        keys.pack(alarm["AlarmArn"]),
                        {t["Key"]: t["Value"] for t in params["Tags"]},
                    )
            else:
                for k in (
                    "StateValue",
                    "StateReason",
                    "StateReasonData",
                    "StateUpdatedTimestamp",
                    "StateTransitionedTimestamp",
                ):
                    if k in existing:
                        alarm[k] = existing[k]
            self._save(ctx, alarm)
            verb = "created" if existing is None else "updated"
            self._history(
                ctx,
                name,
                "ConfigurationUpdate",
                f'Alarm "{name}" {verb}',
                {"version": "1.0", "type": "Create" if existing is None else "Update"},
            )
        return {}

    # -- DescribeAlarms -----------------------------------------------------------------------
    def describe_alarms(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        names = params.get("AlarmNames")
        prefix = params.get("AlarmNamePrefix")
        if names and prefix:
            raise invalid_combination(
                "The parameters AlarmNames and AlarmNamePrefix are mutually exclusive."
            )
        if names is not None and len(names) > 100:
            raise invalid_value("The collection AlarmNames must not have a size greater than 100.")
        types = params.get("AlarmTypes") or ["MetricAlarm"]
        state = params.get("StateValue")
        action_prefix = params.get("ActionPrefix")
        limit = params.get("MaxRecords") or 50
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region, partial=prefix or "")
        if params.get("NextToken"):
            try:
                lo = max(lo, keys.after(records.decode_token(params["NextToken"])))
            except ValueError as e:
                raise invalid_next_token() from e
        wanted = set(names) if names else None
        found: list[dict] = []
        next_token = None
        last_key = b""
        if "MetricAlarm" in types:
            for key, alarm in self.store.scan(records.ALARMS, lo, hi):
                if wanted is not None and alarm["AlarmName"] not in wanted:
                    continue
                if state is not None and alarm["StateValue"] != state:
                    continue
                if action_prefix is not None and not any(
                    a.startswith(action_prefix)
                    for a in alarm["AlarmActions"]
                    + alarm["OKActions"]
                    + alarm["InsufficientDataActions"]
                ):
                    continue
                if len(found) == limit:
                    next_token = records.encode_token(last_key)
                    break
                found.append(alarm)
                last_key = key
        out: dict[str, Any] = {"MetricAlarms": found}
        if "CompositeAlarm" in types:
            out["CompositeAlarms"] = []
        if next_token:
            out["NextToken"] = next_token
        return out

    def describe_alarms_for_metric(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        dims = dimensions_of(params.get("Dimensions"), "Dimensions")
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        found = []
        for _, alarm in self.store.scan(records.ALARMS, lo, hi):
            if alarm.get("MetricName") != params["MetricName"]:
                continue
            if alarm.get("Namespace") != params["Namespace"]:
                continue
            if "Dimensions" in params and _dims(alarm) != dims:
                continue
            if any(k in params and alarm.get(k) != params[k] for k in _METRIC_FILTERS):
                continue
            found.append(alarm)
        return {"MetricAlarms": found}

    # -- DeleteAlarms -------------------------------------------------------------------------
    def delete_alarms(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        names = params["AlarmNames"]
        if len(names) > 100:
            raise invalid_value("The collection AlarmNames must not have a size greater than 100.")
        with self.store.transaction():
            missing = [n for n in names if self._get(ctx, n) is None]
            if missing:
                raise resource_not_found(f"Alarm(s) not found: {', '.join(missing)}")
            for name in names:
                self.store.delete(records.ALARMS, keys.pack(ctx.account_id, ctx.region, name))
                self.store.delete(records.TAGS, keys.pack(self.alarm_arn(ctx, name)))
                lo, hi = keys.prefix_range(ctx.account_id, ctx.region, name)
                for key, _ in list(self.store.scan(records.HISTORY, lo, hi)):
                    self.store.delete(records.HISTORY, key)
        return {}

    # -- SetAlarmState ------------------------------------------------------------------------
    def set_alarm_state(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["AlarmName"]
        data = params.get("StateReasonData")
        if data is not None:
            try:
                json.loads(data)
            except ValueError as e:
                raise invalid_format("StateReasonData is not valid JSON.") from e
        new = params["StateValue"]
        if new not in ("OK", "ALARM", "INSUFFICIENT_DATA"):
            raise bad_value("StateValue", new)
        with self.store.transaction():
            alarm = self._get(ctx, name)
            if alarm is None:
                raise resource_not_found(f"Alarm {name} not found")
            old = alarm["StateValue"]
            old_reason = alarm.get("StateReason", "")
            now = self.clock.now()
            alarm["StateValue"] = new
            alarm["StateReason"] = params["StateReason"]
            if data is not None:
                alarm["StateReasonData"] = data
            else:
                alarm.pop("StateReasonData", None)
            alarm["StateUpdatedTimestamp"] = now
            if new != old:
                alarm["StateTransitionedTimestamp"] = now
            self._save(ctx, alarm)
            self._history(
                ctx,
                name,
                "StateUpdate",
                f"Alarm updated from {old} to {new}",
                {
                    "version": "1.0",
                    "oldState": {"stateValue": old, "stateReason": old_reason},
                    "newState": {"stateValue": new, "stateReason": params["StateReason"]},
                },
            )
        return {}

    # -- Enable/DisableAlarmActions -----------------------------------------------------------
    def enable_alarm_actions(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        return self._set_actions(ctx, params["AlarmNames"], True)

    def disable_alarm_actions(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        return self._set_actions(ctx, params["AlarmNames"], False)

    def _set_actions(self, ctx: RequestContext, names: list[str], enabled: bool) -> dict:
        with self.store.transaction():
            for name in names:
                alarm = self._get(ctx, name)
                if alarm is not None:  # AWS ignores names it does not know here
                    alarm["ActionsEnabled"] = enabled
                    self._save(ctx, alarm)
        return {}

    # -- DescribeAlarmHistory -----------------------------------------------------------------
    def describe_alarm_history(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params.get("AlarmName")
        parts = (ctx.account_id, ctx.region) + ((name,) if name else ())
        lo, hi = keys.prefix_range(*parts)
        kind = params.get("HistoryItemType")
        types = params.get("AlarmTypes")
        start = _epoch(params.get("StartDate"))
        end = _epoch(params.get("EndDate"))
        items = [
            item
            for _, item in self.store.scan(records.HISTORY, lo, hi)
            if (kind is None or item["HistoryItemType"] == kind)
            and (not types or item["AlarmType"] in types)
            and (start is None or item["Timestamp"] >= start)
            and (end is None or item["Timestamp"] <= end)
        ]
        descending = params.get("ScanBy", "TimestampDescending") != "TimestampAscending"
        items.sort(key=lambda i: i["Timestamp"], reverse=descending)
        offset = 0
        if params.get("NextToken"):
            try:
                offset = int(records.decode_token(params["NextToken"]).decode())
            except ValueError as e:
                raise invalid_next_token() from e
        limit = params.get("MaxRecords") or 100
        out: dict[str, Any] = {"AlarmHistoryItems": items[offset : offset + limit]}
        if offset + limit < len(items):
            out["NextToken"] = records.encode_token(str(offset + limit).encode())
        return out


_METRIC_FILTERS = ("Statistic", "ExtendedStatistic", "Period", "Unit")


def _epoch(value: Any) -> float | None:
    return None if value is None else to_datetime(value).timestamp()


def _dims(alarm: dict) -> dict[str, str]:
    return {d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []}


def _check_alarm(p: dict[str, Any]) -> None:
    """PutMetricAlarm's combinations and values, as CloudWatch checks them."""
    single = "MetricName" in p or "Namespace" in p
    if single and "Metrics" in p:
        raise invalid_combination(
            "The parameters MetricName and Metrics are mutually exclusive and you have "
            "specified both."
        )
    if "Statistic" in p and "ExtendedStatistic" in p:
        raise invalid_combination(
            "The parameters Statistic and ExtendedStatistic are mutually exclusive and you "
            "have specified both."
        )
    if "Metrics" not in p:
        for name in ("MetricName", "Namespace", "Period"):
            if name not in p:
                raise missing_parameter(name)
        if "Statistic" not in p and "ExtendedStatistic" not in p:
            raise missing_parameter("Statistic")
    for name in ("EvaluationPeriods", "ComparisonOperator"):
        if name not in p:
            raise missing_parameter(name)
    if "Threshold" not in p and "ThresholdMetricId" not in p:
        raise missing_parameter("Threshold")
    if "Statistic" in p and p["Statistic"] not in STANDARD:
        raise bad_value("Statistic", p["Statistic"])
    if "ExtendedStatistic" in p and not is_extended(p["ExtendedStatistic"]):
        raise bad_value("ExtendedStatistic", p["ExtendedStatistic"])
    if "Period" in p and (p["Period"] < 10 or not is_valid_period(p["Period"])):
        raise invalid_value("The parameter Period must be 10, 20, 30 or a multiple of 60.")
    if p.get("DatapointsToAlarm", 0) > p["EvaluationPeriods"]:
        raise invalid_value("DatapointsToAlarm must be less than or equal to EvaluationPeriods.")
    if "TreatMissingData" in p and p["TreatMissingData"] not in _TREAT_MISSING:
        raise bad_value("TreatMissingData", p["TreatMissingData"])
    check_unit(p.get("Unit"), "Unit")
    dimensions_of(p.get("Dimensions"), "Dimensions")
    for name in ("OKActions", "AlarmActions", "InsufficientDataActions"):
        if len(p.get(name) or []) > 5:
            raise invalid_value(f"The collection {name} must not have a size greater than 5.")
