"""Embedded Metric Format parsing: table-driven cases from the specification."""

from __future__ import annotations

import json

import pytest

from strato.services.cloudwatch import EmfError, metrics_from_emf, parse_emf


def _line(metrics, dimensions=None, namespace="App", ts=1_700_000_000_123, **root):
    doc = {
        "_aws": {
            "Timestamp": ts,
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": dimensions if dimensions is not None else [["Service"]],
                    "Metrics": metrics,
                }
            ],
        },
        "Service": "checkout",
        **root,
    }
    return json.dumps(doc)


def _summary(line):
    return [
        (m.namespace, m.name, m.values, m.unit, m.dimensions, m.storage_resolution)
        for m in metrics_from_emf(line)
    ]


def test_single_value_with_unit_and_timestamp():
    (m,) = metrics_from_emf(_line([{"Name": "Latency", "Unit": "Milliseconds"}], Latency=12))
    assert (m.namespace, m.name, m.values, m.unit) == ("App", "Latency", [12.0], "Milliseconds")
    assert m.dimensions == {"Service": "checkout"}
    assert m.timestamp == 1_700_000_000.123
    assert m.storage_resolution == 60


def test_arrays_many_dimension_sets_and_high_resolution():
    line = _line(
        [{"Name": "Latency", "StorageResolution": 1}, {"Name": "Count"}],
        dimensions=[["Service"], ["Service", "Region"], []],
        Latency=[1, 2.5, 3],
        Count=1,
        Region="eu-west-1",
    )
    assert _summary(line) == [
        ("App", "Latency", [1.0, 2.5, 3.0], "None", {"Service": "checkout"}, 1),
        (
            "App",
            "Latency",
            [1.0, 2.5, 3.0],
            "None",
            {"Service": "checkout", "Region": "eu-west-1"},
            1,
        ),
        ("App", "Latency", [1.0, 2.5, 3.0], "None", {}, 1),
        ("App", "Count", [1.0], "None", {"Service": "checkout"}, 60),
        ("App", "Count", [1.0], "None", {"Service": "checkout", "Region": "eu-west-1"}, 60),
        ("App", "Count", [1.0], "None", {}, 60),
    ]


def test_several_directives_and_a_metric_without_a_value():
    doc = {
        "_aws": {
            "Timestamp": 1_700_000_000_000,
            "CloudWatchMetrics": [
                {
                    "Namespace": "A",
                    "Dimensions": [[]],
                    "Metrics": [{"Name": "x"}, {"Name": "absent"}],
                },
                {"Namespace": "B", "Dimensions": [["k"]], "Metrics": [{"Name": "x"}]},
            ],
        },
        "x": 7,
        "k": "v",
    }
    got = [(m.namespace, m.name, m.values, m.dimensions) for m in metrics_from_emf(json.dumps(doc))]
    assert got == [("A", "x", [7.0], {}), ("B", "x", [7.0], {"k": "v"})]


@pytest.mark.parametrize(
    "line",
    [
        "plain text log line",
        '{"message": "json but not EMF"}',
        '2024-01-01T00:00:00Z\tabc\tINFO\t{"_aws": {}}',  # console.log prefix: not EMF
        "{not json",
        "",
    ],
)
def test_lines_that_are_not_emf(line):
    assert metrics_from_emf(line) == []
    assert parse_emf(line) == []


def _doc(directive=None, ts=1, **root):
    directive = {
        "Namespace": "N",
        "Dimensions": [[]],
        "Metrics": [{"Name": "m"}],
        **(directive or {}),
    }
    return {"_aws": {"Timestamp": ts, "CloudWatchMetrics": [directive]}, "m": 1, **root}


_MANY = {f"d{i}": "v" for i in range(31)}


@pytest.mark.parametrize(
    "doc, reason",
    [
        ({"_aws": {"CloudWatchMetrics": []}}, "Timestamp"),
        ({"_aws": {"Timestamp": "soon", "CloudWatchMetrics": []}}, "Timestamp"),
        ({"_aws": {"Timestamp": 1, "CloudWatchMetrics": {}}}, "array"),
        (_doc({"Namespace": ""}), "Namespace"),
        (_doc({"Dimensions": [["Missing"]]}), "Missing"),
        (_doc({"Dimensions": [["d"]]}, d=5), "string"),
        (_doc({"Metrics": [{"Name": "m", "Unit": "Parsecs"}]}), "Unit"),
        (_doc({"Metrics": [{"Name": "m", "StorageResolution": 5}]}), "StorageResolution"),
        (_doc(m="fast"), "numbers"),
        (_doc(m=list(range(101))), "100"),
        (_doc({"Dimensions": [list(_MANY)]}, **_MANY), "30"),
    ],
)
def test_invalid_emf_yields_no_metrics(doc, reason):
    line = json.dumps(doc)
    assert metrics_from_emf(line) == []
    with pytest.raises(EmfError, match=reason):
        parse_emf(line)
