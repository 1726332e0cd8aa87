"""FilterLogEvents through boto3: streams, time range, patterns, interleaving and paging."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def error(exc_info) -> tuple[str, str]:
    err = exc_info.value.response["Error"]
    return err["Code"], err["Message"]


@pytest.fixture
def populated(logs, group, now_ms):
    """Three streams whose events interleave in time."""
    t = now_ms() - 60_000
    layout = {
        "web-1": [(0, "GET /a 200"), (3, "GET /b 500 ERROR"), (6, "GET /c 200")],
        "web-2": [(1, "POST /x 201"), (4, "POST /y 404 ERROR")],
        "worker": [
            (2, json.dumps({"level": "INFO", "ms": 12, "job": {"id": 7}})),
            (5, json.dumps({"level": "ERROR", "ms": 950, "job": {"id": 8}})),
        ],
    }
    for name, events in layout.items():
        logs.create_log_stream(logGroupName=group, logStreamName=name)
        logs.put_log_events(
            logGroupName=group,
            logStreamName=name,
            logEvents=[{"timestamp": t + dt, "message": m} for dt, m in events],
        )
    return group, t


def run(logs, group, **kw) -> list[str]:
    return [e["message"] for e in logs.filter_log_events(logGroupName=group, **kw)["events"]]


def test_interleaved_by_timestamp(logs, populated):
    group, t = populated
    out = logs.filter_log_events(logGroupName=group)
    assert [e["timestamp"] - t for e in out["events"]] == list(range(7))
    assert [e["logStreamName"] for e in out["events"]] == [
        "web-1", "web-2", "worker", "web-1", "web-2", "worker", "web-1",
    ]  # fmt: skip
    ids = [e["eventId"] for e in out["events"]]
    assert len(set(ids)) == 7 and all(len(i) == 56 for i in ids)
    assert {s["logStreamName"] for s in out["searchedLogStreams"]} == {"web-1", "web-2", "worker"}
    assert "nextToken" not in out


def test_streams_and_time_range(logs, populated):
    group, t = populated
    assert len(run(logs, group, logStreamNames=["web-2", "worker"])) == 4
    assert len(run(logs, group, logStreamNamePrefix="web-")) == 5
    assert run(logs, group, logStreamNames=["nope"]) == []
    # Both ends of the range are inclusive.
    assert len(run(logs, group, startTime=t + 2, endTime=t + 4)) == 3
    with pytest.raises(ClientError) as e:
        run(logs, group, logStreamNames=["web-1"], logStreamNamePrefix="web")
    assert error(e)[0] == "InvalidParameterException"


def test_filter_patterns(logs, populated):
    group, _ = populated
    assert run(logs, group, filterPattern="ERROR") == [
        "GET /b 500 ERROR",
        "POST /y 404 ERROR",
        json.dumps({"level": "ERROR", "ms": 950, "job": {"id": 8}}),
    ]
    assert run(logs, group, filterPattern="ERROR -POST -level") == ["GET /b 500 ERROR"]
    assert run(logs, group, filterPattern="?POST ?500") == [
        "POST /x 201",
        "GET /b 500 ERROR",
        "POST /y 404 ERROR",
    ]
    assert run(logs, group, filterPattern='"GET /c"') == ["GET /c 200"]
    assert run(logs, group, filterPattern="{ $.ms > 100 }") == [
        json.dumps({"level": "ERROR", "ms": 950, "job": {"id": 8}})
    ]
    assert len(run(logs, group, filterPattern='{ $.level = "*" && $.job.id >= 7 }')) == 2
    assert run(logs, group, filterPattern="[method, path, status = 4* || status = 5*, ...]") == [
        "GET /b 500 ERROR",
        "POST /y 404 ERROR",
    ]
    assert run(logs, group, filterPattern="[method = GET, path, status = 200]") == [
        "GET /a 200",
        "GET /c 200",
    ]


def test_invalid_pattern(logs, populated):
    group, _ = populated
    for bad in ("{ $.a = ", '"open', "[a, b"):
        with pytest.raises(ClientError) as e:
            run(logs, group, filterPattern=bad)
        assert error(e) == ("InvalidParameterException", "Invalid filter pattern")


def test_paging_with_limit(logs, populated):
    group, _ = populated
    everything = run(logs, group)
    seen, token, pages = [], None, 0
    while True:
        kw = {"limit": 2, "filterPattern": "-nothing-matches-this"}
        if token:
            kw["nextToken"] = token
        out = logs.filter_log_events(logGroupName=group, **kw)
        seen += [e["message"] for e in out["events"]]
        pages += 1
        token = out.get("nextToken")
        if not token:
            break
    assert seen == everything and pages == 4

    paginated = [
        e["message"]
        for p in logs.get_paginator("filter_log_events").paginate(
            logGroupName=group, filterPattern="ERROR", PaginationConfig={"PageSize": 1}
        )
        for e in p["events"]
    ]
    assert paginated == run(logs, group, filterPattern="ERROR")


def test_equal_timestamps_across_streams_page_without_loss(logs, group, now_ms):
    t = now_ms() - 1000
    for name in ("a", "b", "c"):
        logs.create_log_stream(logGroupName=group, logStreamName=name)
        logs.put_log_events(
            logGroupName=group,
            logStreamName=name,
            logEvents=[{"timestamp": t, "message": f"{name}{i}"} for i in range(3)],
        )
    paged = [
        e["message"]
        for p in logs.get_paginator("filter_log_events").paginate(
            logGroupName=group, PaginationConfig={"PageSize": 2}
        )
        for e in p["events"]
    ]
    assert paged == ["a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2"]


def test_missing_group_and_identifier(logs, populated):
    group, _ = populated
    with pytest.raises(ClientError) as e:
        logs.filter_log_events(logGroupName=group + "-missing")
    assert error(e) == ("ResourceNotFoundException", "The specified log group does not exist.")
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["logGroupArn"]
    assert len(logs.filter_log_events(logGroupIdentifier=arn)["events"]) == 7
    with pytest.raises(ClientError) as e:
        logs.filter_log_events()
    assert error(e)[0] == "InvalidParameterException"
