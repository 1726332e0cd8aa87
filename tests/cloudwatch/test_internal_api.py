"""The API other parts of Strato call without HTTP: put_metric, put_data and put_emf.

These run the provider in-process on a real store and clock (a Platform of its own), so the
clock can be moved without touching the shared test server."""

from __future__ import annotations

import json

import pytest

from strato.auth import RequestContext
from strato.config import Settings
from strato.platform import Platform
from strato.services.cloudwatch import CloudWatchProvider

ACCOUNT, REGION = "123456789012", "us-east-1"


@pytest.fixture
def platform(tmp_path):
    p = Platform.open(Settings(state_dir=str(tmp_path / "state")))
    yield p
    p.close()


@pytest.fixture
def cloudwatch(platform) -> CloudWatchProvider:
    return CloudWatchProvider(platform)


def _ctx(region=REGION) -> RequestContext:
    return RequestContext(ACCOUNT, region, f"arn:aws:iam::{ACCOUNT}:root", "AKID", "req-1")


def _sum(cloudwatch, namespace, name, dims, start, end, unit=None):
    """One ten-minute period around [start, end), so a minute boundary passing mid-test is harmless."""
    start, end = start - 300, start + 300
    params = {
        "Namespace": namespace,
        "MetricName": name,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
        "StartTime": start,
        "EndTime": end,
        "Period": 600,
        "Statistics": ["Sum", "SampleCount"],
    }
    if unit:
        params["Unit"] = unit
    return cloudwatch.get_metric_statistics(_ctx(), params)["Datapoints"]


def test_put_metric_lands_like_put_metric_data(cloudwatch, platform):
    now = platform.clock.now()
    start = now - now % 60
    dims = {"FunctionName": "fn", "Resource": "fn:live"}
    cloudwatch.put_metric(ACCOUNT, REGION, "AWS/Lambda", "Invocations", 1, "Count", dims)
    cloudwatch.put_metric(ACCOUNT, REGION, "AWS/Lambda", "Invocations", 1, "Count", dims, now)
    cloudwatch.put_metric(ACCOUNT, REGION, "AWS/Lambda", "Duration", 12.5, "Milliseconds", dims)
    (point,) = _sum(cloudwatch, "AWS/Lambda", "Invocations", dims, start, start + 60)
    assert (point["Sum"], point["SampleCount"], point["Unit"]) == (2.0, 2.0, "Count")
    listed = cloudwatch.list_metrics(_ctx(), {"Namespace": "AWS/Lambda"})["Metrics"]
    assert sorted(m["MetricName"] for m in listed) == ["Duration", "Invocations"]
    assert cloudwatch.list_metrics(_ctx("eu-west-1"), {})["Metrics"] == []


def test_put_emf_turns_a_log_line_into_metrics(cloudwatch, platform):
    now = platform.clock.now()
    line = json.dumps(
        {
            "_aws": {
                "Timestamp": int(now * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": "Shop",
                        "Dimensions": [["Service"], []],
                        "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"}],
                    }
                ],
            },
            "Service": "cart",
            "Latency": [10, 20, 30],
            "requestId": "abc",
        }
    )
    assert cloudwatch.put_emf(ACCOUNT, REGION, line) == 2
    assert cloudwatch.put_emf(ACCOUNT, REGION, "START RequestId: abc") == 0
    start = now - now % 60
    (with_dim,) = _sum(cloudwatch, "Shop", "Latency", {"Service": "cart"}, start, start + 60)
    (without,) = _sum(cloudwatch, "Shop", "Latency", {}, start, start + 60, unit="Milliseconds")
    assert with_dim["Sum"] == without["Sum"] == 60.0
    assert with_dim["SampleCount"] == 3.0


def test_recently_active_follows_the_platform_clock(cloudwatch, platform):
    cloudwatch.put_metric(ACCOUNT, REGION, "Jobs", "Old", 1.0)
    platform.clock.advance(4 * 3600)
    cloudwatch.put_metric(ACCOUNT, REGION, "Jobs", "New", 1.0)
    recent = cloudwatch.list_metrics(_ctx(), {"Namespace": "Jobs", "RecentlyActive": "PT3H"})
    assert [m["MetricName"] for m in recent["Metrics"]] == ["New"]
    everything = cloudwatch.list_metrics(_ctx(), {"Namespace": "Jobs"})
    assert [m["MetricName"] for m in everything["Metrics"]] == ["New", "Old"]
