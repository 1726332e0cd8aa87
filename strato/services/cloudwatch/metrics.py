"""PutMetricData, ListMetrics and GetMetricStatistics, plus the internal API other services call."""

from __future__ import annotations

import math
from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from ...protocol.timestamps import to_datetime
from . import records
from .emf import metrics_from_emf
from .errors import (
    bad_value,
    invalid_combination,
    invalid_next_token,
    invalid_value,
)
from .metric_store import Datum, MetricStore, Sample
from .periods import bucket_count, bucket_of, is_valid_period, rounded_start
from .statistics import STANDARD, Aggregate, is_extended
from .validation import check_unit, dimensions_of, metric_data

LIST_PAGE = 500
MAX_STATISTICS_DATAPOINTS = 1440
RECENTLY_ACTIVE = 3 * 3600.0


class MetricOperations:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.clock = platform.clock
        self.metric_store = MetricStore(platform.store)

    # -- internal API: Lambda's own metrics, EMF log lines ------------------------------------
    def put_metric(
        self,
        account_id: str,
        region: str,
        namespace: str,
        name: str,
        value: float,
        unit: str = "None",
        dimensions: dict[str, str] | None = None,
        timestamp: float | None = None,
        storage_resolution: int = 60,
    ) -> None:
        """Record one value, as PutMetricData would (AWS/ namespaces are allowed here)."""
        now = self.clock.now()
        datum = Datum(
            namespace=namespace,
            name=name,
            dimensions=dict(dimensions or {}),
            timestamp=now if timestamp is None else timestamp,
            unit=unit,
            values=[float(value)],
            storage_resolution=storage_resolution,
        )
        self.metric_store.put(account_id, region, [datum], now)

    def put_data(self, account_id: str, region: str, data: list[Datum]) -> None:
        """Record many data at once (Values/Counts, statistic sets), in one transaction."""
        if data:
            self.metric_store.put(account_id, region, data, self.clock.now())

    def put_emf(self, account_id: str, region: str, line: str) -> int:
        """The metrics an Embedded Metric Format log line carries; returns how many were put."""
        found = metrics_from_emf(line)
        self.put_data(account_id, region, [m.datum() for m in found])
        return len(found)

    # -- PutMetricData ------------------------------------------------------------------------
    def put_metric_data(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        now = self.clock.now()
        data = metric_data(params, now)
        self.metric_store.put(ctx.account_id, ctx.region, data, now)
        return {}

    # -- ListMetrics --------------------------------------------------------------------------
    def list_metrics(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        filters = params.get("Dimensions") or []
        if len(filters) > 10:
            raise invalid_value("The collection Dimensions must not have a size greater than 10.")
        recent = params.get("RecentlyActive")
        if recent is not None and recent != "PT3H":
            raise bad_value("RecentlyActive", recent)
        active_since = self.clock.now() - RECENTLY_ACTIVE if recent else None
        after = None
        if params.get("NextToken"):
            try:
                after = records.decode_token(params["NextToken"])
            except ValueError as e:
                raise invalid_next_token() from e
        namespace = params.get("Namespace")
        found: list[dict] = []
        next_token = None
        last_key = b""
        for key, metric in self.metric_store.metrics(
            ctx.account_id, ctx.region, namespace, params.get("MetricName"), after
        ):
            if active_since is not None and metric["LastPut"] < active_since:
                continue
            dims = records.dimensions_from_key(metric["Dimensions"])
            if not _matches(dims, filters):
                continue
            if len(found) == LIST_PAGE:
                next_token = records.encode_token(last_key)
                break
            found.append(_metric_shape(metric, dims))
            last_key = key
        out: dict[str, Any] = {"Metrics": found}
        if params.get("IncludeLinkedAccounts"):
            out["OwningAccounts"] = [ctx.account_id] * len(found)
        if next_token:
            out["NextToken"] = next_token
        return out

    # -- GetMetricStatistics ------------------------------------------------------------------
    def get_metric_statistics(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        stats = params.get("Statistics") or []
        extended = params.get("ExtendedStatistics") or []
        if stats and extended:
            raise invalid_combination(
                "The parameters Statistics and ExtendedStatistics are mutually exclusive and "
                "you have specified both."
            )
        if not stats and not extended:
            raise invalid_combination(
                "Must specify either Statistics or ExtendedStatistics, but not both."
            )
        for i, s in enumerate(stats, 1):
            if s not in STANDARD:
                raise bad_value(f"Statistics.member.{i}", s)
        for i, s in enumerate(extended, 1):
            if not is_extended(s):
                raise invalid_value(
                    f"The value {s} for parameter ExtendedStatistics.member.{i} is not supported."
                )
        unit = params.get("Unit")
        check_unit(unit, "Unit")
        period = params["Period"]
        if not is_valid_period(period):
            raise invalid_value("The parameter Period must be a multiple of 60.")
        start = to_datetime(params["StartTime"]).timestamp()
        end = to_datetime(params["EndTime"]).timestamp()
        if start >= end:
            raise invalid_value("The parameter StartTime must be less than the parameter EndTime.")
        now = self.clock.now()
        start = rounded_start(start, period, now)
        wanted = bucket_count(start, end, period)
        if wanted > MAX_STATISTICS_DATAPOINTS:
            raise invalid_combination(
                f"You have requested up to {wanted:,} datapoints, which exceeds the limit of "
                f"{MAX_STATISTICS_DATAPOINTS:,}. You may reduce the datapoints requested by "
                "increasing Period, or decreasing the time range."
            )
        dims = dimensions_of(params.get("Dimensions"), "Dimensions")
        samples = self.metric_store.samples(
            ctx.account_id,
            ctx.region,
            params["Namespace"],
            params["MetricName"],
            dims,
            start,
            end,
        )
        # Without Unit, data of each unit is reported apart, each datapoint naming its unit.
        buckets: dict[tuple[float, str], Aggregate] = {}
        for sample in samples:
            if unit is not None and sample.unit != unit:
                continue
            slot = (bucket_of(sample.timestamp, start, period), sample.unit)
            buckets.setdefault(slot, Aggregate()).add_sample(sample.data)
        datapoints = []
        for (t, u), agg in sorted(buckets.items()):
            point: dict[str, Any] = {"Timestamp": t, "Unit": u}
            for s in stats:
                point[s] = agg.statistic(s)
            if extended:
                values = {s: v for s in extended if (v := agg.statistic(s)) is not None}
                point["ExtendedStatistics"] = values
            datapoints.append(point)
        return {"Label": params["MetricName"], "Datapoints": datapoints}

    # -- shared with GetMetricData and alarms -------------------------------------------------
    def period_values(
        self,
        account: str,
        region: str,
        metric: dict[str, Any],
        stat: str,
        unit: str | None,
        start: float,
        end: float,
        period: int,
    ) -> dict[float, float]:
        """One statistic of one metric per period start, for periods that hold data."""
        samples: list[Sample] = self.metric_store.samples(
            account,
            region,
            metric["Namespace"],
            metric["MetricName"],
            {d["Name"]: d["Value"] for d in metric.get("Dimensions") or []},
            start,
            end,
        )
        buckets: dict[float, Aggregate] = {}
        for sample in samples:
            if unit is None or sample.unit == unit:
                buckets.setdefault(
                    bucket_of(sample.timestamp, start, period), Aggregate()
                ).add_sample(sample.data)
        out = {}
        for t, agg in buckets.items():
            value = agg.statistic(stat)
            if value is not None and math.isfinite(value):
                out[t] = value
        return out


def _matches(dims: dict[str, str], filters: list[dict[str, str]]) -> bool:
    for f in filters:
        if f["Name"] not in dims:
            return False
        if "Value" in f and dims[f["Name"]] != f["Value"]:
            return False
    return True


def _metric_shape(metric: dict, dims: dict[str, str]) -> dict:
    return {
        "Namespace": metric["Namespace"],
        "MetricName": metric["MetricName"],
        "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(dims.items())],
    }
