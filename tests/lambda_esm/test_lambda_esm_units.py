"""Table-driven checks of the pure parts of event source mappings: partial batch responses,
lanes, record age and the OnFailure invocation record."""

from __future__ import annotations

import json

import pytest

from strato.runtime.invocation import Outcome
from strato.services.lambda_.esm_base import batch_item_failures
from strato.services.lambda_.esm_streams import expired_prefix, failure_record, lane_of

IDS = ["1", "2", "3"]


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (b"", []),
        (b"null", []),
        (b'"ok"', []),
        (b"{}", []),
        (b'{"batchItemFailures": []}', []),
        (b'{"batchItemFailures": null}', []),
        (b'{"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]}', ["2", "3"]),
        (b'{"batchItemFailures": [{"itemIdentifier": ""}]}', None),
        (b'{"batchItemFailures": [{"itemIdentifier": null}]}', None),
        (b'{"batchItemFailures": [{"itemIdentifier": "9"}]}', None),
        (b'{"batchItemFailures": [{"other": "1"}]}', None),
        (b'{"batchItemFailures": "1"}', None),
        (b"not json", []),
    ],
)
def test_batch_item_failures(response, expected):
    assert batch_item_failures(response, IDS) == expected


def _event(pk: str, seq: int, created: float = 1000.0) -> dict:
    return {
        "dynamodb": {
            "Keys": {"pk": {"S": pk}, "sk": {"N": str(seq)}},
            "SequenceNumber": f"{10**20 + seq}",
            "ApproximateCreationDateTime": created,
        }
    }


def test_lanes_follow_the_partition_key_only():
    for factor in (2, 3, 10):
        lanes = {lane_of(_event("same", n), "pk", factor) for n in range(20)}
        assert len(lanes) == 1
        spread = {lane_of(_event(f"k{n}", n), "pk", factor) for n in range(200)}
        assert spread == set(range(factor))
    assert lane_of(_event("x", 1), "pk", 1) == 0


class _Clock:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


@pytest.mark.parametrize(
    ("max_age", "ages", "expired"),
    [
        (-1, [500, 10], 0),
        (None, [500, 10], 0),
        (60, [61, 59, 61], 1),  # only the leading run: order is kept
        (60, [120, 90, 30], 2),
        (60, [60, 10], 0),
    ],
)
def test_expired_prefix(max_age, ages, expired):
    now = 10_000.0
    batch = [_event("k", i, now - age) for i, age in enumerate(ages)]
    assert expired_prefix(batch, max_age, _Clock(now)) == batch[:expired]


def test_failure_record_shape():
    mapping = {
        "FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:f",
        "EventSourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2024",
    }
    shard = {"ShardId": "shardId-00000000000000000001-abcdef01"}
    batch = [_event("a", 1, 1_700_000_000), _event("b", 2, 1_700_000_005)]
    outcome = Outcome(payload=b"{}", error_type="Unhandled", executed_version="3")
    doc = failure_record(
        mapping, shard, batch, "RetryAttemptsExhausted", 4, outcome, _Clock(1_700_000_100.25)
    )
    json.dumps(doc)
    assert doc["version"] == "1.0"
    assert doc["timestamp"] == "2023-11-14T22:15:00.250Z"
    assert doc["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert doc["requestContext"]["approximateInvokeCount"] == 4
    assert doc["requestContext"]["functionArn"] == mapping["FunctionArn"]
    assert doc["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "3",
        "functionError": "Unhandled",
    }
    assert doc["DDBStreamBatchInfo"] == {
        "shardId": shard["ShardId"],
        "startSequenceNumber": "100000000000000000001",
        "endSequenceNumber": "100000000000000000002",
        "approximateArrivalOfFirstRecord": "2023-11-14T22:13:20Z",
        "approximateArrivalOfLastRecord": "2023-11-14T22:13:25Z",
        "batchSize": 2,
        "streamArn": mapping["EventSourceArn"],
    }
