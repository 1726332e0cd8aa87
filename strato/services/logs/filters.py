"""Subscription filters and metric filters: stored with their validated patterns.

Delivery to destinations and metric publication are not done yet; the records hold what
they will need (pattern, destination, role, distribution, transformations).
"""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import event_log, records, tokens
from .base import LogsBase
from .constraints import validated
from .errors import (
    filter_not_found,
    invalid_filter_pattern,
    invalid_parameter,
    invalid_token,
    limit_exceeded,
)
from .filter_pattern import FilterPatternError, compile_pattern

MAX_SUBSCRIPTIONS = 2
MAX_METRIC_FILTERS = 100
DESCRIBE_LIMIT = 50


def _check_pattern(text: str) -> None:
    try:
        compile_pattern(text)
    except FilterPatternError as e:
        raise invalid_filter_pattern() from e


class FilterOperations(LogsBase):
    # -- subscription filters ------------------------------------------------
    @validated
    def put_subscription_filter(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname, fname = params["logGroupName"], params["filterName"]
        _check_pattern(params["filterPattern"])
        with self.store.transaction() as tx:
            self.group(a, r, gname, tx)
            key = keys.pack(a, r, gname, fname)
            lo, hi = keys.prefix_range(a, r, gname)
            others = [k for k, _ in tx.scan(records.SUBSCRIPTIONS, lo, hi) if k != key]
            if len(others) >= MAX_SUBSCRIPTIONS:
                raise limit_exceeded()
            old = tx.get(records.SUBSCRIPTIONS, key) or {}
            record = {
                "filterName": fname,
                "logGroupName": gname,
                "filterPattern": params["filterPattern"],
                "destinationArn": params["destinationArn"],
                "distribution": params.get("distribution", "ByLogStream"),
                "applyOnTransformedLogs": params.get("applyOnTransformedLogs", False),
                "creationTime": old.get("creationTime", self.now_ms()),
            }
            if params.get("roleArn"):
                record["roleArn"] = params["roleArn"]
            tx.put(records.SUBSCRIPTIONS, key, record)
        return {}

    @validated
    def describe_subscription_filters(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname = params["logGroupName"]
        self.group(a, r, gname)
        lo, hi = keys.prefix_range(a, r, gname, partial=params.get("filterNamePrefix", ""))
        page, token = _page(self.store, records.SUBSCRIPTIONS, lo, hi, params, a, r)
        out: dict[str, Any] = {"subscriptionFilters": page}
        if token:
            out["nextToken"] = token
        return out

    @validated
    def delete_subscription_filter(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname, fname = params["logGroupName"], params["filterName"]
        with self.store.transaction() as tx:
            self.group(a, r, gname, tx)
            if not tx.delete(records.SUBSCRIPTIONS, keys.pack(a, r, gname, fname)):
                raise filter_not_found("subscription filter")
        return {}

    # -- metric filters --------------------------------------------------------
    @validated
    def put_metric_filter(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname, fname = params["logGroupName"], params["filterName"]
        _check_pattern(params["filterPattern"])
        with self.store.transaction() as tx:
            group = self.group(a, r, gname, tx)
            key = keys.pack(a, r, gname, fname)
            old = tx.get(records.METRIC_FILTERS, key)
            lo, hi = keys.prefix_range(a, r, gname)
            if old is None and tx.count(records.METRIC_FILTERS, lo, hi) >= MAX_METRIC_FILTERS:
                raise limit_exceeded()
            record = {
                "filterName": fname,
                "logGroupName": gname,
                "filterPattern": params["filterPattern"],
                "metricTransformations": params["metricTransformations"],
                "applyOnTransformedLogs": params.get("applyOnTransformedLogs", False),
                "creationTime": (old or {}).get("creationTime", self.now_ms()),
            }
            tx.put(records.METRIC_FILTERS, key, record)
            if old is None:
                group["metricFilterCount"] = group.get("metricFilterCount", 0) + 1
                self.save_group(ctx, group, tx)
        return {}

    @validated
    def describe_metric_filters(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname = params.get("logGroupName")
        prefix = params.get("filterNamePrefix", "")
        metric, namespace = params.get("metricName"), params.get("metricNamespace")
        if (metric is None) != (namespace is None):
            raise invalid_parameter("metricName and metricNamespace must be specified together.")
        if gname is None:
            if prefix:
                raise invalid_parameter("filterNamePrefix requires logGroupName.")
            lo, hi = keys.prefix_range(a, r)
        else:
            self.group(a, r, gname)
            lo, hi = keys.prefix_range(a, r, gname, partial=prefix)

        def wanted(record: dict) -> bool:
            return metric is None or any(
                t.get("metricName") == metric and t.get("metricNamespace") == namespace
                for t in record["metricTransformations"]
            )

        page, token = _page(self.store, records.METRIC_FILTERS, lo, hi, params, a, r, wanted)
        out: dict[str, Any] = {"metricFilters": page}
        if token:
            out["nextToken"] = token
        return out

    @validated
    def delete_metric_filter(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        a, r = ctx.account_id, ctx.region
        gname, fname = params["logGroupName"], params["filterName"]
        with self.store.transaction() as tx:
            group = self.group(a, r, gname, tx)
            if not tx.delete(records.METRIC_FILTERS, keys.pack(a, r, gname, fname)):
                raise filter_not_found("metric filter")
            group["metricFilterCount"] = max(0, group.get("metricFilterCount", 1) - 1)
            self.save_group(ctx, group, tx)
        return {}


def _page(store, ns, lo, hi, params, a, r, wanted=None) -> tuple[list[dict], str | None]:
    """One page of filter records in (group, name) order; the token is the last (group, name)."""
    after = tokens.decode(params.get("nextToken"), list)
    if after is not None:
        if len(after) != 2 or not all(isinstance(x, str) for x in after):
            raise invalid_token()
        lo = max(lo, keys.after(keys.pack(a, r, *after)))
    limit = params.get("limit", DESCRIBE_LIMIT)
    page: list[dict] = []
    for _, record in event_log.scan(store, lo, hi, ns=ns):
        if wanted is not None and not wanted(record):
            continue
        if len(page) == limit:
            last = page[-1]
            return page, tokens.encode([last["logGroupName"], last["filterName"]])
        page.append(record)
    return page, None
