"""PutMetricData, ListMetrics, GetMetricStatistics and GetMetricData through boto3."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

UTC = dt.UTC


def _now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(microsecond=0)


def _minute(t: dt.datetime) -> dt.datetime:
    return t.replace(second=0, microsecond=0)


def _error(excinfo) -> tuple[str, str, int]:
    err = excinfo.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def _stats(cw, namespace, name, start, end, period=60, dims=None, **kw):
    kw.setdefault("Statistics", ["SampleCount", "Average", "Sum", "Minimum", "Maximum"])
    return cw.get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        Dimensions=dims or [],
        StartTime=start,
        EndTime=end,
        Period=period,
        **kw,
    )["Datapoints"]


def test_put_and_get_statistics_per_period(cw, namespace):
    base = _minute(_now()) - dt.timedelta(minutes=10)
    dims = [{"Name": "FunctionName", "Value": "f1"}]
    cw.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {"MetricName": "Duration", "Dimensions": dims, "Timestamp": base, "Value": 10.0},
            {
                "MetricName": "Duration",
                "Dimensions": dims,
                "Timestamp": base + dt.timedelta(seconds=30),
                "Value": 30.0,
            },
            {
                "MetricName": "Duration",
                "Dimensions": dims,
                "Timestamp": base + dt.timedelta(minutes=2),
                "Values": [1.0, 5.0],
                "Counts": [3.0, 1.0],
            },
        ],
    )
    points = _stats(cw, namespace, "Duration", base, base + dt.timedelta(minutes=5), dims=dims)
    by_time = {p["Timestamp"]: p for p in points}
    assert sorted(by_time) == [base, base + dt.timedelta(minutes=2)]
    first = by_time[base]
    assert (first["SampleCount"], first["Sum"], first["Minimum"], first["Maximum"]) == (
        2.0,
        40.0,
        10.0,
        30.0,
    )
    assert first["Average"] == 20.0
    assert first["Unit"] == "None"
    second = by_time[base + dt.timedelta(minutes=2)]
    assert (second["SampleCount"], second["Sum"], second["Average"]) == (4.0, 8.0, 2.0)

    # one period over everything; other dimension sets are other metrics
    (whole,) = _stats(
        cw, namespace, "Duration", base, base + dt.timedelta(minutes=5), period=300, dims=dims
    )
    assert whole["SampleCount"] == 6.0 and whole["Maximum"] == 30.0
    assert _stats(cw, namespace, "Duration", base, base + dt.timedelta(minutes=5)) == []


def test_statistic_sets_units_and_percentiles(cw, namespace):
    t = _minute(_now()) - dt.timedelta(minutes=3)
    cw.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": "Latency",
                "Timestamp": t,
                "StatisticValues": {"SampleCount": 4, "Sum": 20, "Minimum": 2, "Maximum": 8},
                "Unit": "Milliseconds",
            },
            {"MetricName": "Latency", "Timestamp": t, "Value": 3.0, "Unit": "Seconds"},
            {
                "MetricName": "Size",
                "Timestamp": t,
                "Values": [float(v) for v in range(1, 101)],
                "Unit": "Bytes",
            },
        ],
    )
    end = t + dt.timedelta(minutes=1)
    # without Unit each unit is its own datapoint; with Unit only that unit counts
    points = _stats(cw, namespace, "Latency", t, end)
    assert sorted((p["Unit"], p["Sum"]) for p in points) == [
        ("Milliseconds", 20.0),
        ("Seconds", 3.0),
    ]
    (ms,) = _stats(cw, namespace, "Latency", t, end, Unit="Milliseconds")
    assert (ms["Minimum"], ms["Maximum"], ms["Average"]) == (2.0, 8.0, 5.0)
    assert _stats(cw, namespace, "Latency", t, end, Unit="Bytes") == []

    (size,) = cw.get_metric_statistics(
        Namespace=namespace,
        MetricName="Size",
        StartTime=t,
        EndTime=end,
        Period=60,
        ExtendedStatistics=["p50", "p90", "p99.5", "p100"],
    )["Datapoints"]
    assert size["ExtendedStatistics"] == {"p50": 50.0, "p90": 90.0, "p99.5": 100.0, "p100": 100.0}
    assert size["Unit"] == "Bytes"


def test_get_metric_statistics_errors(cw, namespace):
    now = _now()
    common = dict(Namespace=namespace, MetricName="M", StartTime=now - dt.timedelta(hours=1))
    cases = [
        (
            dict(EndTime=now, Period=60),
            "InvalidParameterCombination",
            "Must specify either Statistics or ExtendedStatistics",
        ),
        (
            dict(EndTime=now, Period=60, Statistics=["Sum"], ExtendedStatistics=["p90"]),
            "InvalidParameterCombination",
            "mutually exclusive",
        ),
        (dict(EndTime=now, Period=45, Statistics=["Sum"]), "InvalidParameterValue", "Period"),
        (
            dict(EndTime=now - dt.timedelta(hours=2), Period=60, Statistics=["Sum"]),
            "InvalidParameterValue",
            "StartTime must be less than",
        ),
        (
            dict(EndTime=now + dt.timedelta(days=1), Period=60, Statistics=["Sum"]),
            "InvalidParameterCombination",
            "exceeds the limit of 1,440",
        ),
        (
            dict(EndTime=now, Period=60, ExtendedStatistics=["p101"]),
            "InvalidParameterValue",
            "p101",
        ),
        (
            dict(EndTime=now, Period=60, Statistics=["Sum"], Unit="Parsecs"),
            "InvalidParameterValue",
            "Parsecs",
        ),
    ]
    for extra, code, text in cases:
        with pytest.raises(ClientError) as e:
            cw.get_metric_statistics(**common, **extra)
        got_code, message, status = _error(e)
        assert (got_code, status) == (code, 400), extra
        assert text in message, (extra, message)


def test_put_metric_data_validation(cw, namespace):
    now = _now()
    too_many = [{"MetricName": f"m{i}", "Value": 1.0} for i in range(1001)]
    cases = [
        (
            {"Namespace": "AWS/Lambda", "MetricData": [{"MetricName": "x", "Value": 1}]},
            "InvalidParameterValue",
            "AWS/Lambda",
        ),
        (
            {"Namespace": namespace, "MetricData": too_many},
            "InvalidParameterValue",
            "greater than 1000",
        ),
        (
            {
                "Namespace": namespace,
                "MetricData": [{"MetricName": "x", "Value": 1, "Values": [1.0]}],
            },
            "InvalidParameterCombination",
            "mutually exclusive",
        ),
        (
            {"Namespace": namespace, "MetricData": [{"MetricName": "x"}]},
            "InvalidParameterCombination",
            "At least one of",
        ),
        (
            {
                "Namespace": namespace,
                "MetricData": [{"MetricName": "x", "Values": [1.0, 2.0], "Counts": [1.0]}],
            },
            "InvalidParameterValue",
            "same size",
        ),
        (
            {"Namespace": namespace, "MetricData": [{"MetricName": "x", "Values": [1.0] * 151}]},
            "InvalidParameterValue",
            "greater than 150",
        ),
        (
            {
                "Namespace": namespace,
                "MetricData": [{"MetricName": "x", "Value": 1, "Unit": "Furlongs"}],
            },
            "InvalidParameterValue",
            "MetricData.member.1.Unit",
        ),
        (
            {
                "Namespace": namespace,
                "MetricData": [{"MetricName": "x", "Value": 1, "StorageResolution": 5}],
            },
            "InvalidParameterValue",
            "StorageResolution",
        ),
        (
            {
                "Namespace": namespace,
                "MetricData": [
                    {"MetricName": "x", "Value": 1, "Timestamp": now - dt.timedelta(days=15)}
                ],
            },
            "InvalidParameterValue",
            "two weeks",
        ),
        (
            {
                "Namespace": namespace,
                "MetricData": [
                    {"MetricName": "x", "Value": 1, "Timestamp": now + dt.timedelta(hours=3)}
                ],
            },
            "InvalidParameterValue",
            "two hours",
        ),
        (
            {
                "Namespace": namespace,
                "MetricData": [
                    {
                        "MetricName": "x",
                        "Value": 1,
                        "Dimensions": [{"Name": f"d{i}", "Value": "v"} for i in range(31)],
                    }
                ],
            },
            "InvalidParameterValue",
            "greater than 30",
        ),
        (
            {
                "Namespace": namespace,
                "MetricData": [
                    {
                        "MetricName": "x",
                        "Value": 1,
                        "Dimensions": [{"Name": "d", "Value": "v"}, {"Name": "d", "Value": "w"}],
                    }
                ],
            },
            "InvalidParameterValue",
            "same name",
        ),
        (
            {"Namespace": namespace, "MetricData": [{"MetricName": "x", "Value": 2.0**400}]},
            "InvalidParameterValue",
            "MetricData.member.1.Value",
        ),
        (
            {
                "Namespace": namespace,
                "MetricData": [
                    {
                        "MetricName": "x",
                        "StatisticValues": {"SampleCount": 2, "Sum": 3, "Minimum": 5, "Maximum": 1},
                    }
                ],
            },
            "InvalidParameterValue",
            "Minimum",
        ),
        ({"Namespace": namespace}, "MissingParameter", "MetricData"),
    ]
    for kwargs, code, text in cases:
        with pytest.raises(ClientError) as e:
            cw.put_metric_data(**kwargs)
        got_code, message, status = _error(e)
        assert (got_code, status) == (code, 400), (kwargs, message)
        assert text in message, message
    # nothing from a rejected call was kept
    assert cw.list_metrics(Namespace=namespace)["Metrics"] == []


def test_large_put_is_gzip_compressed_by_boto3_and_accepted(cw, namespace):
    data = [
        {
            "MetricName": f"Metric{i:04d}",
            "Dimensions": [{"Name": "Shard", "Value": f"shard-{i % 7}"}],
            "Values": [float(i), float(i + 1)],
            "Counts": [1.0, 2.0],
        }
        for i in range(1000)
    ]
    sent = {}

    def capture(request, **_):
        sent["encoding"] = request.headers.get("Content-Encoding")

    cw.meta.events.register("before-send.cloudwatch.PutMetricData", capture)
    try:
        cw.put_metric_data(Namespace=namespace, MetricData=data)
    finally:
        cw.meta.events.unregister("before-send.cloudwatch.PutMetricData", capture)
    assert sent["encoding"] in ("gzip", b"gzip")
    page = cw.list_metrics(Namespace=namespace)
    assert len(page["Metrics"]) == 500 and "NextToken" in page
    rest = cw.list_metrics(Namespace=namespace, NextToken=page["NextToken"])
    assert len(rest["Metrics"]) == 500 and "NextToken" not in rest
    names = {m["MetricName"] for m in page["Metrics"] + rest["Metrics"]}
    assert len(names) == 1000
    paginated = [
        m
        for p in cw.get_paginator("list_metrics").paginate(Namespace=namespace)
        for m in p["Metrics"]
    ]
    assert len(paginated) == 1000


def test_list_metrics_filters(cw, namespace, client_factory):
    def put(name, dims):
        cw.put_metric_data(
            Namespace=namespace,
            MetricData=[
                {
                    "MetricName": name,
                    "Value": 1.0,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                }
            ],
        )

    put("Errors", {"FunctionName": "a"})
    put("Errors", {"FunctionName": "b", "Resource": "b:live"})
    put("Invocations", {"FunctionName": "a"})
    put("Invocations", {})

    def listed(**kw):
        metrics = cw.list_metrics(Namespace=namespace, **kw)["Metrics"]
        return sorted(
            (m["MetricName"], tuple((d["Name"], d["Value"]) for d in m["Dimensions"]))
            for m in metrics
        )

    assert len(listed()) == 4
    assert listed(MetricName="Errors") == [
        ("Errors", (("FunctionName", "a"),)),
        ("Errors", (("FunctionName", "b"), ("Resource", "b:live"))),
    ]
    assert listed(Dimensions=[{"Name": "FunctionName", "Value": "a"}]) == [
        ("Errors", (("FunctionName", "a"),)),
        ("Invocations", (("FunctionName", "a"),)),
    ]
    assert listed(Dimensions=[{"Name": "Resource"}]) == [
        ("Errors", (("FunctionName", "b"), ("Resource", "b:live"))),
    ]
    assert len(listed(RecentlyActive="PT3H")) == 4
    # metrics belong to a region
    other = client_factory("cloudwatch", region="eu-west-1")
    assert other.list_metrics(Namespace=namespace)["Metrics"] == []


def test_get_metric_data_stats_math_and_labels(cw, namespace):
    base = _minute(_now()) - dt.timedelta(minutes=6)
    data = []
    for i in range(5):
        t = base + dt.timedelta(minutes=i)
        data.append({"MetricName": "Errors", "Timestamp": t, "Value": float(i)})
        data.append({"MetricName": "Invocations", "Timestamp": t, "Value": 10.0})
        data.append({"MetricName": "Invocations", "Timestamp": t, "Value": 10.0})
    cw.put_metric_data(Namespace=namespace, MetricData=data)

    def stat(qid, name, stat="Sum", **extra):
        return {
            "Id": qid,
            "MetricStat": {
                "Metric": {"Namespace": namespace, "MetricName": name},
                "Period": 60,
                "Stat": stat,
            },
            **extra,
        }

    resp = cw.get_metric_data(
        MetricDataQueries=[
            stat("errors", "Errors"),
            stat("invocations", "Invocations", Label="Calls", ReturnData=False),
            {"Id": "rate", "Expression": "100 * errors / invocations", "Label": "Error rate"},
            {"Id": "total", "Expression": "SUM(METRICS())"},
            {"Id": "avg", "Expression": "errors + AVG(errors)"},
            stat("p", "Invocations", stat="p50"),
        ],
        StartTime=base,
        EndTime=base + dt.timedelta(minutes=5),
        ScanBy="TimestampAscending",
    )
    results = {r["Id"]: r for r in resp["MetricDataResults"]}
    assert set(results) == {"errors", "rate", "total", "avg", "p"}  # ReturnData=False is left out
    stamps = [base + dt.timedelta(minutes=i) for i in range(5)]
    assert results["errors"]["Timestamps"] == stamps
    assert results["errors"]["Values"] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert results["errors"]["Label"] == "Errors"
    assert results["errors"]["StatusCode"] == "Complete"
    assert results["rate"]["Label"] == "Error rate"
    assert results["rate"]["Values"] == [0.0, 5.0, 10.0, 15.0, 20.0]
    # METRICS() is every MetricStat query, returned or not: errors + invocations + p
    assert results["total"]["Values"] == [30.0, 31.0, 32.0, 33.0, 34.0]
    assert results["avg"]["Values"] == [2.0, 3.0, 4.0, 5.0, 6.0]
    assert results["p"]["Values"] == [10.0] * 5

    # default order is newest first; MaxDatapoints pages through the same answer
    desc = cw.get_metric_data(
        MetricDataQueries=[stat("errors", "Errors")],
        StartTime=base,
        EndTime=base + dt.timedelta(minutes=5),
    )["MetricDataResults"][0]
    assert desc["Timestamps"] == stamps[::-1]
    pages = list(
        cw.get_paginator("get_metric_data").paginate(
            MetricDataQueries=[stat("errors", "Errors"), stat("inv", "Invocations")],
            StartTime=base,
            EndTime=base + dt.timedelta(minutes=5),
            MaxDatapoints=3,
        )
    )
    assert len(pages) == 4
    values: dict[str, list[float]] = {}
    for page in pages:
        for r in page["MetricDataResults"]:
            values.setdefault(r["Id"], []).extend(r["Values"])
    assert values == {"errors": [4.0, 3.0, 2.0, 1.0, 0.0], "inv": [20.0] * 5}
    assert pages[0]["MetricDataResults"][0]["StatusCode"] == "PartialData"
    assert all(r["StatusCode"] == "Complete" for r in pages[-1]["MetricDataResults"])


@pytest.mark.parametrize(
    "queries, text",
    [
        ([{"Id": "Bad", "Expression": "1"}], "Bad"),
        ([{"Id": "e1", "Expression": "m1 +"}], "e1"),
        ([{"Id": "e1", "Expression": "nope * 2"}], "nope"),
        ([{"Id": "a", "Expression": "b"}, {"Id": "b", "Expression": "a"}], "circular"),
        ([{"Id": "e1", "Expression": "1", "ReturnData": False}], "ReturnData"),
        ([{"Id": "e1", "Expression": "1"}, {"Id": "e1", "Expression": "2"}], "not unique"),
        ([{"Id": "e1", "Expression": "SEARCH('{AWS/EC2} CPU', 'Average')"}], "e1"),
    ],
)
def test_get_metric_data_errors(cw, queries, text):
    now = _now()
    with pytest.raises(ClientError) as e:
        cw.get_metric_data(
            MetricDataQueries=queries, StartTime=now - dt.timedelta(hours=1), EndTime=now
        )
    code, message, status = _error(e)
    assert (code, status) == ("ValidationError", 400)
    assert text in message
