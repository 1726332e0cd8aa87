"""Log streams through boto3: create, delete, and describe by name or by last event time."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def error(exc_info) -> tuple[str, str]:
    err = exc_info.value.response["Error"]
    return err["Code"], err["Message"]


def stream_names(page: dict) -> list[str]:
    return [s["logStreamName"] for s in page["logStreams"]]


def test_create_describe_delete(logs, group, now_ms):
    before = now_ms()
    logs.create_log_stream(logGroupName=group, logStreamName="2024/01/01/[$LATEST]abc")
    (s,) = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert s["logStreamName"] == "2024/01/01/[$LATEST]abc"
    assert before <= s["creationTime"] <= now_ms()
    assert s["arn"] == (
        f"arn:aws:logs:us-east-1:000000000000:log-group:{group}:log-stream:2024/01/01/[$LATEST]abc"
    )
    assert "firstEventTimestamp" not in s and "lastEventTimestamp" not in s

    with pytest.raises(ClientError) as e:
        logs.create_log_stream(logGroupName=group, logStreamName="2024/01/01/[$LATEST]abc")
    assert error(e) == (
        "ResourceAlreadyExistsException",
        "The specified log stream already exists",
    )
    logs.delete_log_stream(logGroupName=group, logStreamName="2024/01/01/[$LATEST]abc")
    assert logs.describe_log_streams(logGroupName=group)["logStreams"] == []
    with pytest.raises(ClientError) as e:
        logs.delete_log_stream(logGroupName=group, logStreamName="2024/01/01/[$LATEST]abc")
    assert error(e) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_missing_group(logs, raw_logs, group):
    for call in (
        lambda: logs.create_log_stream(logGroupName=group + "-x", logStreamName="s"),
        lambda: logs.describe_log_streams(logGroupName=group + "-x"),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == (
            "ResourceNotFoundException",
            "The specified log group does not exist.",
        )
    with pytest.raises(ClientError) as e:
        raw_logs.create_log_stream(logGroupName=group, logStreamName="a:b")
    assert error(e)[0] == "InvalidParameterException"


def test_event_times_and_sequence_token(logs, stream, now_ms):
    group, name = stream
    t = now_ms()
    logs.put_log_events(
        logGroupName=group,
        logStreamName=name,
        logEvents=[{"timestamp": t - 500, "message": "a"}, {"timestamp": t - 100, "message": "b"}],
    )
    logs.put_log_events(
        logGroupName=group, logStreamName=name, logEvents=[{"timestamp": t - 300, "message": "c"}]
    )
    (s,) = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert s["firstEventTimestamp"] == t - 500
    assert s["lastEventTimestamp"] == t - 100
    assert s["lastIngestionTime"] >= t
    assert len(s["uploadSequenceToken"]) == 56 and s["uploadSequenceToken"].isdigit()


def test_order_prefix_descending_and_pages(logs, group, now_ms):
    t = now_ms()
    # Stream names in one order, last event times in the reverse order.
    names = [f"app/{c}" for c in "abcde"]
    for i, n in enumerate(names):
        logs.create_log_stream(logGroupName=group, logStreamName=n)
        logs.put_log_events(
            logGroupName=group,
            logStreamName=n,
            logEvents=[{"timestamp": t - 1000 * i, "message": n}],
        )
    logs.create_log_stream(logGroupName=group, logStreamName="other")

    assert stream_names(logs.describe_log_streams(logGroupName=group)) == names + ["other"]
    assert (
        stream_names(logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="app/"))
        == names
    )
    assert (
        stream_names(
            logs.describe_log_streams(
                logGroupName=group, logStreamNamePrefix="app/", descending=True
            )
        )
        == names[::-1]
    )
    by_time = logs.describe_log_streams(
        logGroupName=group, orderBy="LastEventTime", descending=True
    )
    assert stream_names(by_time) == names + ["other"]
    assert stream_names(logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime")) == [
        "other",
        *names[::-1],
    ]

    for kw in (
        {"logStreamNamePrefix": "app/"},
        {"logStreamNamePrefix": "app/", "descending": True},
        {"orderBy": "LastEventTime", "descending": True},
        {"orderBy": "LastEventTime"},
    ):
        full = stream_names(logs.describe_log_streams(logGroupName=group, **kw))
        paged = [
            s["logStreamName"]
            for p in logs.get_paginator("describe_log_streams").paginate(
                logGroupName=group, PaginationConfig={"PageSize": 2}, **kw
            )
            for s in p["logStreams"]
        ]
        assert paged == full, kw

    with pytest.raises(ClientError) as e:
        logs.describe_log_streams(
            logGroupName=group, orderBy="LastEventTime", logStreamNamePrefix="app/"
        )
    assert error(e)[0] == "InvalidParameterException"


def test_group_identifier_by_arn(logs, stream):
    group, name = stream
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["logGroupArn"]
    assert stream_names(logs.describe_log_streams(logGroupIdentifier=arn)) == [name]
    assert stream_names(logs.describe_log_streams(logGroupIdentifier=group)) == [name]
    with pytest.raises(ClientError) as e:
        logs.describe_log_streams(logGroupIdentifier=arn, logGroupName=group)
    assert error(e)[0] == "InvalidParameterException"
