"""The engine's distributed Map: reader and writer requests answered later, Map Run
records, UpdateMapRun, and the Standard history limit (table-driven, no service)."""

from __future__ import annotations

import json

import pytest

from strato.asl import PENDING, Execution, MockIntegrations
from strato.asl.integrations import ITEM_READER, RESULT_WRITER
from strato.asl.map_run import update

READER = "arn:aws:states:::s3:getObject"
WRITER = "arn:aws:states:::s3:putObject"


def definition(**extra) -> dict:
    return {
        "StartAt": "Map",
        "States": {
            "Map": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": READER,
                    "ReaderConfig": {"InputType": "JSON", "MaxItems": 2},
                    "Parameters": {"Bucket": "b", "Key": "k"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED"},
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "End": True}},
                },
                "End": True,
                **extra,
            }
        },
    }


def pending_ids(mock: MockIntegrations, kind: str) -> list[str]:
    return [c.task_id for c in mock.calls if c.kind == kind]


def test_reader_answered_later_survives_a_snapshot_round_trip():
    mock = MockIntegrations({READER: PENDING})
    ex = Execution(definition(), {}, integrations=mock)
    assert ex.run().status == "blocked"
    [task_id] = pending_ids(mock, ITEM_READER)
    assert task_id in ex.pending_tasks()
    restored = Execution.restore(definition(), json.loads(json.dumps(ex.snapshot())))
    restored.complete_task(task_id, {"output": [1, 2, 3]})
    restored.run()
    assert restored.status == "SUCCEEDED" and restored.output == [1, 2]


@pytest.mark.parametrize(
    "outcome, error",
    [
        ({"error": "States.ItemReaderFailed", "cause": "no such key"}, "States.ItemReaderFailed"),
        ({"output": {"not": "a list"}}, "States.ItemReaderFailed"),
    ],
)
def test_reader_failures_fail_the_map(outcome, error):
    mock = MockIntegrations({READER: PENDING})
    ex = Execution(definition(), {}, integrations=mock)
    ex.run()
    ex.complete_task(pending_ids(mock, ITEM_READER)[0], outcome)
    ex.run()
    assert ex.status == "FAILED" and ex.error == error


def test_writer_gets_the_records_and_the_map_returns_writer_details():
    mock = MockIntegrations({READER: [[5, 6, 7]], WRITER: PENDING})
    writer = {"Resource": WRITER, "Parameters": {"Bucket": "out", "Prefix": "p"}}
    ex = Execution(definition(ResultWriter=writer), {}, integrations=mock)
    assert ex.run().status == "blocked"
    [request] = [c for c in mock.calls if c.kind == RESULT_WRITER]
    params = request.parameters
    assert params["Bucket"] == "out" and params["Prefix"] == "p"
    assert [json.loads(r["Output"]) for r in params["Results"]["SUCCEEDED"]] == [5, 6]
    assert params["MapRunArn"].endswith(":" + params["MapRunId"])
    ex.complete_task(request.task_id, {"output": {"Bucket": "out", "Key": "p/x/manifest.json"}})
    ex.run()
    assert ex.output == {
        "MapRunArn": params["MapRunArn"],
        "ResultWriterDetails": {"Bucket": "out", "Key": "p/x/manifest.json"},
    }
    [run] = ex.data["map_runs"].values()
    assert run["status"] == "SUCCEEDED" and run["itemCounts"]["resultsWritten"] == 2


def test_update_map_run_changes_concurrency_and_tolerance():
    mock = MockIntegrations({READER: [[1, 2, 3]], "arn:aws:states:::lambda:invoke": PENDING})
    spec = definition(MaxConcurrency=1)
    spec["States"]["Map"]["ItemReader"]["ReaderConfig"] = {"InputType": "JSON"}
    spec["States"]["Map"]["ItemProcessor"]["States"]["P"] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "End": True,
    }
    ex = Execution(spec, {}, integrations=mock)
    ex.run()
    [arn] = ex.data["map_runs"]
    assert ex.data["map_runs"][arn]["executionCounts"]["running"] == 1
    assert update(ex, arn, 3, None, 1)
    ex.run()
    counts = ex.data["map_runs"][arn]["executionCounts"]
    assert counts["running"] == 3 and counts["pending"] == 0
    assert ex.data["map_runs"][arn]["toleratedFailureCount"] == 1


@pytest.mark.parametrize("limit, status", [(None, "SUCCEEDED"), (12, "FAILED")])
def test_history_limit(limit, status):
    loop = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "B"},
            "B": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": 5, "Next": "A"}],
                "Default": "C",
            },
            "C": {"Type": "Succeed"},
        },
    }
    ex = Execution(loop, {"n": 0}, max_events=limit)
    ex.run()
    assert ex.status == status
    if limit:
        assert len(ex.events) == limit and ex.events[-1]["type"] == "ExecutionFailed"
        assert ex.error == "States.Runtime"


def test_history_limit_lets_the_last_event_succeed():
    ex = Execution({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}, max_events=4)
    ex.run()
    assert ex.status == "SUCCEEDED" and len(ex.events) == 4
