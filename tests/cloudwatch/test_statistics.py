"""Statistics of a period's samples: table-driven cases and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strato.services.cloudwatch.periods import bucket_count, is_valid_period, rounded_start
from strato.services.cloudwatch.statistics import Aggregate, is_extended, percentile


def _agg(values, counts=None) -> Aggregate:
    a = Aggregate()
    a.add_sample({"v": values, **({"c": counts} if counts else {})})
    return a


@pytest.mark.parametrize(
    "values, counts, stat, expected",
    [
        ([1, 2, 3, 4], None, "SampleCount", 4),
        ([1, 2, 3, 4], None, "Sum", 10),
        ([1, 2, 3, 4], None, "Average", 2.5),
        ([1, 2, 3, 4], None, "Minimum", 1),
        ([1, 2, 3, 4], None, "Maximum", 4),
        ([1, 5], [3, 1], "SampleCount", 4),
        ([1, 5], [3, 1], "Average", 2),
        ([1, 5], [3, 1], "p75", 1),
        ([1, 5], [3, 1], "p76", 5),
        (list(range(1, 101)), None, "p50", 50),
        (list(range(1, 101)), None, "p99.9", 100),
        (list(range(1, 101)), None, "p0", 1),
        (list(range(1, 101)), None, "tm90", 45.5),
        (list(range(1, 101)), None, "tm10:90", 50.5),
        (list(range(1, 101)), None, "IQM", 50.5),
        ([-3, 7], None, "Sum", 4),
    ],
)
def test_statistics(values, counts, stat, expected):
    assert _agg(values, counts).statistic(stat) == pytest.approx(expected)


def test_statistic_sets_hide_percentiles_unless_they_stand_for_raw_values():
    a = Aggregate()
    a.add_set(4, 20, 2, 8)
    assert (a.statistic("SampleCount"), a.statistic("Average")) == (4, 5)
    assert a.statistic("p50") is None
    b = Aggregate()
    b.add_set(3, 9, 3, 3)  # Minimum == Maximum: three 3s
    b.add_value(10)
    assert b.statistic("p50") == 3 and b.statistic("p100") == 10


def test_empty_aggregate_has_no_statistics():
    assert Aggregate().statistic("Sum") is None


@pytest.mark.parametrize(
    "stat, ok",
    [
        ("p50", True),
        ("p99.99", True),
        ("p100", True),
        ("p101", False),
        ("p", False),
        ("tm99", True),
        ("tm10:90", True),
        ("tm90:10", False),
        ("IQM", True),
        ("Sum", False),
    ],
)
def test_extended_statistic_names(stat, ok):
    assert is_extended(stat) is ok


def test_periods():
    assert all(is_valid_period(p) for p in (1, 5, 10, 20, 30, 60, 120, 3600))
    assert not any(is_valid_period(p) for p in (2, 45, 61, 90))
    now = 1_700_000_000.0
    assert rounded_start(now - 95, 60, now) % 60 == 0
    assert rounded_start(now - 20 * 86400 - 17, 60, now) % 300 == 0
    assert rounded_start(now - 90 * 86400 - 17, 60, now) % 3600 == 0
    assert bucket_count(0, 3600, 60) == 60 and bucket_count(0, 3601, 60) == 61


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(st.lists(st.tuples(finite, st.integers(min_value=1, max_value=5)), min_size=1, max_size=50))
def test_properties_of_weighted_values(pairs):
    a = Aggregate()
    for v, c in pairs:
        a.add_value(v, c)
    values = [v for v, _ in pairs]
    assert a.statistic("SampleCount") == sum(c for _, c in pairs)
    assert a.statistic("Minimum") == min(values) and a.statistic("Maximum") == max(values)
    assert min(values) - 1e-6 <= a.statistic("Average") <= max(values) + 1e-6
    ps = [a.statistic(f"p{p}") for p in (0, 10, 50, 90, 100)]
    assert ps == sorted(ps)  # percentiles never decrease
    assert ps[0] == min(values) and ps[-1] == max(values)
    assert all(p in values for p in ps)


@given(st.lists(finite, min_size=1, max_size=40), st.floats(min_value=0, max_value=100))
def test_percentile_has_p_percent_at_or_below_it(values, p):
    got = percentile([(v, 1.0) for v in values], p)
    at_or_below = sum(1 for v in values if v <= got)
    assert at_or_below >= math.ceil(p / 100 * len(values) - 1e-9)
