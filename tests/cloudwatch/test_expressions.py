"""Metric math: parsing and evaluation over small series."""

from __future__ import annotations

import pytest

from strato.services.cloudwatch.expressions import (
    Context,
    ExpressionError,
    Series,
    evaluate,
    parse,
    references,
)

SERIES = {
    "m1": Series("A", {0.0: 1.0, 60.0: 2.0, 120.0: 3.0}),
    "m2": Series("B", {0.0: 10.0, 60.0: 20.0}),
}
GRID = [0.0, 60.0, 120.0]


def _eval(text):
    ctx = Context(resolve=lambda i: SERIES[i], metrics=lambda: list(SERIES.values()), grid=GRID)
    return evaluate(parse(text), ctx)


def _points(value):
    return value.points if isinstance(value, Series) else [s.points for s in value]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("m1 + m2", {0.0: 11.0, 60.0: 22.0}),  # only timestamps both have
        ("m1 * 2 + 1", {0.0: 3.0, 60.0: 5.0, 120.0: 7.0}),
        ("-m1", {0.0: -1.0, 60.0: -2.0, 120.0: -3.0}),
        ("(m1 + 1) * (m1 - 1)", {0.0: 0.0, 60.0: 3.0, 120.0: 8.0}),
        ("m1 ^ 2", {0.0: 1.0, 60.0: 4.0, 120.0: 9.0}),
        ("m2 / (m1 - 1)", {60.0: 20.0}),  # division by zero drops the point
        ("SUM(METRICS())", {0.0: 11.0, 60.0: 22.0, 120.0: 3.0}),
        ("MAX(m1, m2)", {0.0: 10.0, 60.0: 20.0, 120.0: 3.0}),
        ('AVG(METRICS("A"))', {0.0: 1.0, 60.0: 2.0, 120.0: 3.0}),
        ("m1 - AVG(m1)", {0.0: -1.0, 60.0: 0.0, 120.0: 1.0}),
        ("FILL(m2, 0)", {0.0: 10.0, 60.0: 20.0, 120.0: 0.0}),
        ("ABS(m1 - 2)", {0.0: 1.0, 60.0: 0.0, 120.0: 1.0}),
    ],
)
def test_expressions(text, expected):
    assert _points(_eval(text)) == expected


def test_arrays_and_scalars():
    assert _points(_eval("METRICS() * 2")) == [
        {0.0: 2.0, 60.0: 4.0, 120.0: 6.0},
        {0.0: 20.0, 60.0: 40.0},
    ]
    assert _eval("SUM(m1)") == 6.0
    assert _eval("2 * 3 + 1") == 7.0


def test_references():
    assert references(parse("m1 + SUM(m2, e1) / 3")) == {"m1", "m2", "e1"}


@pytest.mark.parametrize(
    "text", ["m1 +", "(m1", "m1 $ 2", "SEARCH('x', 'Average')", "METRICS(m1)", '"s" + 1']
)
def test_invalid_expressions(text):
    with pytest.raises(ExpressionError):
        _eval(text)
