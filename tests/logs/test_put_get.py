"""PutLogEvents validation exactly as AWS does it, and GetLogEvents windows and tokens."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

DAY = 86_400_000
HOUR = 3_600_000


def error(exc_info) -> tuple[str, str]:
    err = exc_info.value.response["Error"]
    return err["Code"], err["Message"]


def put(logs, stream, events):
    group, name = stream
    return logs.put_log_events(
        logGroupName=group,
        logStreamName=name,
        logEvents=[{"timestamp": ts, "message": m} for ts, m in events],
    )


def get(logs, stream, **kw):
    group, name = stream
    return logs.get_log_events(logGroupName=group, logStreamName=name, **kw)


def messages(page) -> list[str]:
    return [e["message"] for e in page["events"]]


def test_put_then_get(logs, stream, now_ms):
    t = now_ms()
    out = put(logs, stream, [(t - 3, "one"), (t - 2, "two"), (t - 2, "two again"), (t, "three")])
    assert "rejectedLogEventsInfo" not in out
    assert len(out["nextSequenceToken"]) == 56
    page = get(logs, stream)
    assert messages(page) == ["one", "two", "two again", "three"]
    assert [e["timestamp"] for e in page["events"]] == [t - 3, t - 2, t - 2, t]
    assert all(e["ingestionTime"] >= t for e in page["events"])
    # A later batch with earlier timestamps is fine: order is by timestamp, not arrival.
    put(logs, stream, [(t - 10, "zero")])
    assert messages(get(logs, stream, startFromHead=True))[:2] == ["zero", "one"]


def test_events_must_be_chronological(logs, stream, now_ms):
    t = now_ms()
    with pytest.raises(ClientError) as e:
        put(logs, stream, [(t, "b"), (t - 1, "a")])
    assert error(e) == (
        "InvalidParameterException",
        "Log events in a single PutLogEvents request must be in chronological order.",
    )
    assert get(logs, stream)["events"] == []


def test_batch_limits(raw_logs, logs, stream, now_ms):
    t = now_ms()
    with pytest.raises(ClientError) as e:
        put(raw_logs, stream, [(t, "x")] * 10_001)
    code, message = error(e)
    assert code == "InvalidParameterException"
    assert "'logEvents'" in message and "less than or equal to 10000" in message
    put(logs, stream, [(t, "x")] * 10_000)

    # 1,048,576 bytes counts UTF-8 bytes plus 26 per event.
    exact = "a" * (1_048_576 - 26)
    put(logs, stream, [(t, exact)])
    with pytest.raises(ClientError) as e:
        put(logs, stream, [(t, exact + "a")])
    assert error(e) == (
        "InvalidParameterException",
        "Upload too large: 1048577 bytes exceeds limit of 1048576",
    )
    two_byte = "é" * ((1_048_576 - 26) // 2 + 1)
    with pytest.raises(ClientError) as e:
        put(logs, stream, [(t, two_byte)])
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        put(logs, stream, [(t, "a" * 100_000)] * 11)
    assert error(e)[0] == "InvalidParameterException"


def test_empty_message_is_rejected(raw_logs, stream, now_ms):
    with pytest.raises(ClientError) as e:
        put(raw_logs, stream, [(now_ms(), "")])
    code, message = error(e)
    assert code == "InvalidParameterException"
    assert "message" in message and "length greater than or equal to 1" in message


def test_too_old_and_too_new_events_are_rejected_not_failed(logs, stream, now_ms):
    t = now_ms()
    out = put(
        logs,
        stream,
        [
            (t - 15 * DAY, "ancient"),
            (t - 14 * DAY - 60_000, "just too old"),
            (t - HOUR, "ok 1"),
            (t + HOUR, "ok 2"),
            (t + 3 * HOUR, "too new"),
        ],
    )
    assert out["rejectedLogEventsInfo"] == {
        "tooOldLogEventEndIndex": 2,
        "tooNewLogEventStartIndex": 4,
    }
    assert messages(get(logs, stream)) == ["ok 1", "ok 2"]


def test_events_past_retention_are_expired(logs, stream, now_ms):
    group, _ = stream
    logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    t = now_ms()
    out = put(logs, stream, [(t - 2 * DAY, "expired"), (t - 1000, "kept")])
    assert out["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    assert messages(get(logs, stream)) == ["kept"]


def test_batch_cannot_span_more_than_a_day(logs, stream, now_ms):
    t = now_ms()
    with pytest.raises(ClientError) as e:
        put(logs, stream, [(t - DAY - 1000, "a"), (t, "b")])
    assert error(e) == (
        "InvalidParameterException",
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
    )
    # Rejected events do not count towards the span.
    out = put(logs, stream, [(t - 20 * DAY, "old"), (t - HOUR, "a"), (t, "b")])
    assert out["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}


def test_missing_group_or_stream(logs, stream, now_ms):
    group, name = stream
    ev = [{"timestamp": now_ms(), "message": "x"}]
    with pytest.raises(ClientError) as e:
        logs.put_log_events(logGroupName=group + "-x", logStreamName=name, logEvents=ev)
    assert error(e) == ("ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(ClientError) as e:
        logs.put_log_events(logGroupName=group, logStreamName=name + "-x", logEvents=ev)
    assert error(e) == ("ResourceNotFoundException", "The specified log stream does not exist.")
    with pytest.raises(ClientError) as e:
        logs.get_log_events(logGroupName=group, logStreamName=name + "-x")
    assert error(e) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_time_window(logs, stream, now_ms):
    t = now_ms() - 10_000
    put(logs, stream, [(t + i, f"m{i}") for i in range(10)])
    assert messages(get(logs, stream, startTime=t + 3, endTime=t + 6)) == ["m3", "m4", "m5"]
    assert messages(get(logs, stream, startTime=t + 8)) == ["m8", "m9"]
    assert messages(get(logs, stream, endTime=t + 2)) == ["m0", "m1"]
    assert messages(get(logs, stream, startTime=t + 3, endTime=t + 6, startFromHead=True)) == [
        "m3",
        "m4",
        "m5",
    ]


def test_forward_paging_ends_on_the_same_token(logs, stream, now_ms):
    t = now_ms() - 10_000
    put(logs, stream, [(t + i, f"m{i:02d}") for i in range(25)])
    seen, sizes = [], []
    page = get(logs, stream, startFromHead=True, limit=10)
    while page["events"]:
        seen += messages(page)
        sizes.append(len(page["events"]))
        token = page["nextForwardToken"]
        page = get(logs, stream, nextToken=token, limit=10)
    assert page["nextForwardToken"] == token
    assert sizes == [10, 10, 5]
    assert seen == [f"m{i:02d}" for i in range(25)]

    # Following the stream: the end token picks up events appended later.
    put(logs, stream, [(t + 30, "late")])
    later = get(logs, stream, nextToken=token)
    assert messages(later) == ["late"]
    assert later["nextForwardToken"] != token


def test_backward_paging_from_the_end(logs, stream, now_ms):
    t = now_ms() - 10_000
    put(logs, stream, [(t + i, f"m{i:02d}") for i in range(25)])
    page = get(logs, stream, limit=10)
    assert messages(page) == [f"m{i:02d}" for i in range(15, 25)]
    pages = [messages(page)]
    while True:
        token = page["nextBackwardToken"]
        page = get(logs, stream, nextToken=token, limit=10)
        if not page["events"]:
            break
        pages.append(messages(page))
    assert page["nextBackwardToken"] == token
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [m for p in reversed(pages) for m in p] == [f"m{i:02d}" for i in range(25)]

    # The forward token of a backward page leads back to the events after it.
    middle = get(logs, stream, nextToken=get(logs, stream, limit=10)["nextBackwardToken"], limit=10)
    after = get(logs, stream, nextToken=middle["nextForwardToken"], limit=3)
    assert messages(after) == ["m15", "m16", "m17"]


def test_empty_stream_tokens(logs, stream, now_ms):
    page = get(logs, stream)
    assert page["events"] == []
    assert page["nextForwardToken"].startswith("f/") and page["nextBackwardToken"].startswith("b/")
    again = get(logs, stream, nextToken=page["nextForwardToken"])
    assert again["nextForwardToken"] == page["nextForwardToken"]
    put(logs, stream, [(now_ms(), "first")])
    assert messages(get(logs, stream, nextToken=page["nextForwardToken"])) == ["first"]


def test_bad_token(logs, stream):
    for token in ("nonsense", "f/123", "x/" + "0" * 56):
        with pytest.raises(ClientError) as e:
            get(logs, stream, nextToken=token)
        assert error(e)[0] == "InvalidParameterException"


def test_retention_hides_old_events_on_read(logs, stream, now_ms):
    group, name = stream
    t = now_ms()
    put(logs, stream, [(t - 10 * DAY, "ten days"), (t - 10 * DAY + 1, "ten days too")])
    put(logs, stream, [(t - 2 * DAY, "two days")])
    assert messages(get(logs, stream)) == ["ten days", "ten days too", "two days"]
    logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    assert messages(get(logs, stream)) == ["two days"]
    assert messages(logs.filter_log_events(logGroupName=group)) == ["two days"]
    logs.delete_retention_policy(logGroupName=group)
    assert len(get(logs, stream)["events"]) == 3


def test_stored_bytes(logs, stream, now_ms):
    group, name = stream
    put(logs, stream, [(now_ms(), "héllo")])
    g = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert g["storedBytes"] == len("héllo".encode())
