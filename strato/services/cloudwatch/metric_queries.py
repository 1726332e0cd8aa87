"""GetMetricData: MetricStat queries and metric math expressions, labelled, ordered and paged."""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass
from typing import Any

from ...auth import RequestContext
from ...protocol.timestamps import to_datetime
from . import expressions
from .errors import invalid_next_token, validation_error
from .expressions import ExpressionError, Series
from .periods import bucket_count, is_valid_period, rounded_start
from .statistics import is_statistic
from .validation import UNITS

MAX_QUERIES = 500
DEFAULT_MAX_DATAPOINTS = 100_800
DEFAULT_EXPRESSION_PERIOD = 60
_ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")


@dataclass
class _Query:
    raw: dict[str, Any]
    index: int

    @property
    def id(self) -> str:
        return self.raw["Id"]

    @property
    def period(self) -> int:
        stat = self.raw.get("MetricStat")
        return stat["Period"] if stat else self.raw.get("Period", DEFAULT_EXPRESSION_PERIOD)


class MetricQueryOperations:
    """Needs `period_values` and `clock` from MetricOperations."""

    def get_metric_data(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        raw_queries = params["MetricDataQueries"]
        if not raw_queries:
            raise validation_error("The parameter MetricDataQueries must not be empty.")
        if len(raw_queries) > MAX_QUERIES:
            raise validation_error(
                f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}."
            )
        start = to_datetime(params["StartTime"]).timestamp()
        end = to_datetime(params["EndTime"]).timestamp()
        if start >= end:
            raise validation_error(
                "The parameter StartTime must be less than the parameter EndTime."
            )
        queries = [_Query(q, i) for i, q in enumerate(raw_queries, 1)]
        trees = _check_queries(queries)
        run = _Run(self, ctx, {q.id: q for q in queries}, trees, start, end, self.clock.now())
        results: list[tuple[str, str, list[tuple[float, float]]]] = []
        descending = params.get("ScanBy", "TimestampDescending") != "TimestampAscending"
        for q in queries:
            if not q.raw.get("ReturnData", True):
                continue
            for series in run.series_list(q):
                points = sorted(series.points.items(), reverse=descending)
                results.append((q.id, q.raw.get("Label") or series.label, points))
        return _page(results, params)


def _check_queries(queries: list[_Query]) -> dict[str, Any]:
    seen: set[str] = set()
    trees: dict[str, Any] = {}
    for q in queries:
        where = f"MetricDataQueries.member.{q.index}"
        if not _ID.match(q.id):
            raise validation_error(
                f"The value {q.id} for parameter {where}.Id is invalid: it must start with a "
                "lowercase letter and contain only letters, numbers and underscores."
            )
        if q.id in seen:
            raise validation_error(
                "The values for parameter id in MetricDataQueries are not unique."
            )
        seen.add(q.id)
        stat, expr = q.raw.get("MetricStat"), q.raw.get("Expression")
        if (stat is None) == (expr is None):
            raise validation_error(
                f"Exactly one of {where}.MetricStat and {where}.Expression must be specified."
            )
        if not is_valid_period(q.period):
            raise validation_error(
                f"The parameter {where}.Period must be 1, 5, 10, 20, 30 or a multiple of 60."
            )
        if stat is not None:
            if not is_statistic(stat["Stat"]):
                raise validation_error(
                    f"The value {stat['Stat']} for parameter {where}.MetricStat.Stat is invalid."
                )
            if stat.get("Unit") is not None and stat["Unit"] not in UNITS:
                raise validation_error(
                    f"The value {stat['Unit']} for parameter {where}.MetricStat.Unit is invalid."
                )
        else:
            try:
                trees[q.id] = expressions.parse(expr)
            except ExpressionError as e:
                raise validation_error(f"Error in expression '{q.id}': {e}") from e
    if not any(q.raw.get("ReturnData", True) for q in queries):
        raise validation_error("At least one MetricDataQuery must have ReturnData set to true.")
    for qid, tree in trees.items():
        unknown = expressions.references(tree) - seen
        if unknown:
            raise validation_error(
                f"Error in expression '{qid}': Unrecognized metric id {sorted(unknown)[0]!r}"
            )
    return trees


class _Run:
    """Evaluates each query at most once, following expression references, refusing cycles."""

    def __init__(
        self,
        ops: Any,
        ctx: RequestContext,
        queries: dict[str, _Query],
        trees: dict[str, Any],
        start: float,
        end: float,
        now: float,
    ) -> None:
        self.ops, self.ctx = ops, ctx
        self.queries, self.trees = queries, trees
        self.start, self.end, self.now = start, end, now
        self.done: dict[str, list[Series]] = {}
        self.active: set[str] = set()

    def series_list(self, q: _Query) -> list[Series]:
        if q.id in self.done:
            return self.done[q.id]
        if q.id in self.active:
            raise validation_error(f"Error in expression '{q.id}': circular reference")
        self.active.add(q.id)
        try:
            result = self._metric(q) if q.id not in self.trees else self._expression(q)
        finally:
            self.active.discard(q.id)
        self.done[q.id] = result
        return result

    def _metric(self, q: _Query) -> list[Series]:
        stat = q.raw["MetricStat"]
        start = rounded_start(self.start, q.period, self.now)
        points = self.ops.period_values(
            self.ctx.account_id,
            self.ctx.region,
            stat["Metric"],
            stat["Stat"],
            stat.get("Unit"),
            start,
            self.end,
            q.period,
        )
        return [Series(stat["Metric"]["MetricName"], points)]

    def _expression(self, q: _Query) -> list[Series]:
        start = rounded_start(self.start, q.period, self.now)
        grid = [start + i * q.period for i in range(bucket_count(start, self.end, q.period))]

        def resolve(qid: str) -> Series:
            found = self.series_list(self.queries[qid])
            if len(found) != 1:
                raise ExpressionError(f"{qid} is not a single time series")
            return found[0]

        def metrics() -> list[Series]:
            out = []
            for other in self.queries.values():
                if other.id not in self.trees:
                    for s in self.series_list(other):
                        out.append(Series(other.raw.get("Label") or s.label, s.points))
            return out

        ctx = expressions.Context(resolve=resolve, metrics=metrics, grid=grid)
        try:
            value = expressions.evaluate(self.trees[q.id], ctx)
        except ExpressionError as e:
            raise validation_error(f"Error in expression '{q.id}': {e}") from e
        if isinstance(value, Series):
            return [Series(q.id, value.points)]
        if isinstance(value, list):
            return value
        # A scalar is drawn as a flat line over the requested range.
        return [Series(q.id, {t: value for t in grid} if math.isfinite(value) else {})]


def _page(results: list[tuple[str, str, list[tuple[float, float]]]], params: dict) -> dict:
    offset = 0
    if params.get("NextToken"):
        try:
            offset = int(base64.urlsafe_b64decode(params["NextToken"]).decode())
        except ValueError as e:
            raise invalid_next_token() from e
    budget = params.get("MaxDatapoints") or DEFAULT_MAX_DATAPOINTS
    out = []
    pos = 0
    taken = 0
    more = False
    for qid, label, points in results:
        lo = min(max(offset - pos, 0), len(points))
        chunk = points[lo : lo + budget - taken] if taken < budget else []
        taken += len(chunk)
        pos += len(points)
        complete = lo + len(chunk) >= len(points)
        more = more or not complete
        out.append(
            {
                "Id": qid,
                "Label": label,
                "Timestamps": [t for t, _ in chunk],
                "Values": [v for _, v in chunk],
                "StatusCode": "Complete" if complete else "PartialData",
            }
        )
    response: dict[str, Any] = {"MetricDataResults": out, "Messages": []}
    if more:
        response["NextToken"] = base64.urlsafe_b64encode(str(offset + taken).encode()).decode()
    return response
