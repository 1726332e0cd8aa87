"""Distributed Map through the API: ItemReader over S3, ResultWriter, Map Runs, thresholds."""

from __future__ import annotations

import gzip
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from sfn_helpers import create_machine, history_types, wait_for, wait_status

from strato_server import StratoProcess

ECHO = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}


def distributed(reader: dict | None = None, processor: dict | None = None, **extra) -> dict:
    state = {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            **(processor or ECHO),
        },
        "End": True,
        **extra,
    }
    if reader is not None:
        state["ItemReader"] = reader
    return {"StartAt": "Map", "States": {"Map": state}}


def get_object(kind: str, **config) -> dict:
    return {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": kind, **config},
        "Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key"},
    }


def run(sfn, definition: dict, value: dict) -> dict:
    arn = create_machine(sfn, definition)
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(value))
    return wait_status(sfn, execution["executionArn"])


def test_item_reader_json_array_with_max_items(sfn, s3, bucket):
    s3.put_object(Bucket=bucket, Key="items.json", Body=json.dumps([{"n": i} for i in range(5)]))
    out = run(
        sfn,
        distributed(get_object("JSON", MaxItems=3)),
        {"bucket": bucket, "key": "items.json"},
    )
    assert out["status"] == "SUCCEEDED", out.get("cause")
    assert json.loads(out["output"]) == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_item_reader_max_items_path(sfn, s3, bucket):
    s3.put_object(Bucket=bucket, Key="i.json", Body="[1, 2, 3, 4]")
    reader = get_object("JSON", MaxItemsPath="$.limit")
    out = run(sfn, distributed(reader), {"bucket": bucket, "key": "i.json", "limit": 2})
    assert json.loads(out["output"]) == [1, 2]


def test_item_reader_jsonl(sfn, s3, bucket):
    s3.put_object(Bucket=bucket, Key="items.jsonl", Body='{"a": 1}\n{"a": 2}\n\n{"a": 3}\n')
    out = run(sfn, distributed(get_object("JSONL")), {"bucket": bucket, "key": "items.jsonl"})
    assert json.loads(out["output"]) == [{"a": 1}, {"a": 2}, {"a": 3}]


def test_item_reader_csv_first_row_header_gives_string_values(sfn, s3, bucket):
    s3.put_object(Bucket=bucket, Key="r.csv", Body="id,name\n1,ann\n2,bob\n")
    reader = get_object("CSV", CSVHeaderLocation="FIRST_ROW")
    out = run(sfn, distributed(reader), {"bucket": bucket, "key": "r.csv"})
    assert json.loads(out["output"]) == [{"id": "1", "name": "ann"}, {"id": "2", "name": "bob"}]


def test_item_reader_csv_given_headers_and_delimiter(sfn, s3, bucket):
    s3.put_object(Bucket=bucket, Key="r.csv", Body="1|ann\n2|bob\n")
    reader = get_object(
        "CSV", CSVHeaderLocation="GIVEN", CSVHeaders=["id", "name"], CSVDelimiter="PIPE"
    )
    out = run(sfn, distributed(reader), {"bucket": bucket, "key": "r.csv"})
    assert json.loads(out["output"]) == [{"id": "1", "name": "ann"}, {"id": "2", "name": "bob"}]


def test_item_reader_csv_quoting_and_ragged_rows(sfn, s3, bucket):
    body = 'a,b,c\n"x, ""y""\nz",2\n1,2,3,4\n'
    s3.put_object(Bucket=bucket, Key="q.csv", Body=body)
    out = run(sfn, distributed(get_object("CSV")), {"bucket": bucket, "key": "q.csv"})
    assert json.loads(out["output"]) == [
        {"a": 'x, "y"\nz', "b": "2", "c": ""},
        {"a": "1", "b": "2", "c": "3"},
    ]


def test_item_reader_s3_inventory_manifest(sfn, s3, bucket):
    rows = f'"{bucket}","a.txt","3"\n"{bucket}","b.txt","5"\n'
    s3.put_object(Bucket=bucket, Key="inv/data/1.csv.gz", Body=gzip.compress(rows.encode()))
    manifest = {
        "sourceBucket": bucket,
        "destinationBucket": f"arn:aws:s3:::{bucket}",
        "version": "2016-11-30",
        "fileFormat": "CSV",
        "fileSchema": "Bucket, Key, Size",
        "files": [{"key": "inv/data/1.csv.gz", "size": 1, "MD5checksum": "x"}],
    }
    s3.put_object(Bucket=bucket, Key="inv/manifest.json", Body=json.dumps(manifest))
    reader = get_object("MANIFEST")
    out = run(sfn, distributed(reader), {"bucket": bucket, "key": "inv/manifest.json"})
    assert out["status"] == "SUCCEEDED", out.get("cause")
    assert json.loads(out["output"]) == [
        {"Bucket": bucket, "Key": "a.txt", "Size": "3"},
        {"Bucket": bucket, "Key": "b.txt", "Size": "5"},
    ]


def test_item_reader_list_objects_v2(sfn, s3, bucket):
    for key in ("data/a.txt", "data/b.txt", "other/c.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body="xyz")
    reader = {
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "Parameters": {"Bucket.$": "$.bucket", "Prefix": "data/"},
    }
    out = run(sfn, distributed(reader), {"bucket": bucket})
    assert out["status"] == "SUCCEEDED", out.get("cause")
    items = json.loads(out["output"])
    assert [i["Key"] for i in items] == ["data/a.txt", "data/b.txt"]
    assert items[0]["Size"] == 3 and items[0]["StorageClass"] == "STANDARD"
    assert set(items[0]) == {"Etag", "Key", "LastModified", "Size", "StorageClass"}
    head = s3.head_object(Bucket=bucket, Key="data/a.txt")
    assert items[0]["Etag"] == head["ETag"]
    assert items[0]["LastModified"] == int(head["LastModified"].timestamp())


def test_item_reader_missing_object_fails_with_item_reader_failed(sfn, bucket):
    out = run(sfn, distributed(get_object("JSON")), {"bucket": bucket, "key": "nope.json"})
    assert out["status"] == "FAILED"
    assert out["error"] == "States.ItemReaderFailed"
    assert "NoSuchKey" in out["cause"]


def test_item_reader_json_that_is_not_an_array_fails(sfn, s3, bucket):
    s3.put_object(Bucket=bucket, Key="o.json", Body='{"a": 1}')
    out = run(sfn, distributed(get_object("JSON")), {"bucket": bucket, "key": "o.json"})
    assert out["error"] == "States.ItemReaderFailed"


def test_item_reader_failure_is_caught(sfn, bucket):
    definition = distributed(get_object("JSON"))
    state = definition["States"]["Map"]
    del state["End"]
    state["Catch"] = [{"ErrorEquals": ["States.ItemReaderFailed"], "Next": "Handled"}]
    state["Next"] = "Handled"
    definition["States"]["Handled"] = {"Type": "Pass", "Result": "handled", "End": True}
    out = run(sfn, definition, {"bucket": bucket, "key": "missing.json"})
    assert out["status"] == "SUCCEEDED" and json.loads(out["output"]) == "handled"


def test_result_writer_writes_manifest_and_results(sfn, s3, bucket):
    s3.put_object(Bucket=bucket, Key="in.json", Body="[1, 2, 3]")
    writer = {
        "Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket.$": "$.bucket", "Prefix": "results"},
    }
    out = run(
        sfn,
        distributed(get_object("JSON"), ResultWriter=writer),
        {"bucket": bucket, "key": "in.json"},
    )
    assert out["status"] == "SUCCEEDED", out.get("cause")
    output = json.loads(out["output"])
    run_arn = output["MapRunArn"]
    run_id = run_arn.rsplit(":", 1)[1]
    assert output["ResultWriterDetails"] == {
        "Bucket": bucket,
        "Key": f"results/{run_id}/manifest.json",
    }
    manifest = json.loads(
        s3.get_object(Bucket=bucket, Key=f"results/{run_id}/manifest.json")["Body"].read()
    )
    assert manifest["DestinationBucket"] == bucket and manifest["MapRunArn"] == run_arn
    assert manifest["ResultFiles"]["FAILED"] == [] and manifest["ResultFiles"]["PENDING"] == []
    [succeeded] = manifest["ResultFiles"]["SUCCEEDED"]
    assert succeeded["Key"] == f"results/{run_id}/SUCCEEDED_0.json"
    results = json.loads(s3.get_object(Bucket=bucket, Key=succeeded["Key"])["Body"].read())
    assert [json.loads(r["Output"]) for r in results] == [1, 2, 3]
    assert {r["Status"] for r in results} == {"SUCCEEDED"}
    assert all(":execution:" in r["ExecutionArn"] and "/Map:" in r["ExecutionArn"] for r in results)
    described = sfn.describe_map_run(mapRunArn=run_arn)
    assert described["itemCounts"]["resultsWritten"] == 3


def test_map_run_describe_list_and_history(sfn, s3, bucket):
    s3.put_object(Bucket=bucket, Key="in.json", Body="[1, 2, 3, 4]")
    machine = create_machine(sfn, distributed(get_object("JSON"), MaxConcurrency=2))
    execution = sfn.start_execution(
        stateMachineArn=machine, input=json.dumps({"bucket": bucket, "key": "in.json"})
    )["executionArn"]
    assert wait_status(sfn, execution)["status"] == "SUCCEEDED"
    [listed] = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    run_arn = listed["mapRunArn"]
    machine_name = machine.rsplit(":", 1)[1]
    assert run_arn.startswith(f"arn:aws:states:us-east-1:000000000000:mapRun:{machine_name}/Map:")
    assert listed["executionArn"] == execution
    assert listed["stateMachineArn"].endswith(f":stateMachine:{machine_name}/Map")
    described = sfn.describe_map_run(mapRunArn=run_arn)
    assert described["status"] == "SUCCEEDED" and described["maxConcurrency"] == 2
    assert described["executionArn"] == execution and "stopDate" in described
    counts = described["itemCounts"]
    assert (counts["total"], counts["succeeded"], counts["failed"], counts["pending"]) == (
        4,
        4,
        0,
        0,
    )
    assert described["executionCounts"]["succeeded"] == 4
    types = history_types(sfn, execution)
    assert types.index("MapRunStarted") < types.index("MapRunSucceeded")
    events = sfn.get_execution_history(executionArn=execution)["events"]
    started = next(e for e in events if e["type"] == "MapRunStarted")
    assert started["mapRunStartedEventDetails"]["mapRunArn"] == run_arn


def test_map_run_errors(sfn):
    missing = "arn:aws:states:us-east-1:000000000000:mapRun:nope/Map:" + "0" * 36
    with pytest.raises(ClientError) as exc:
        sfn.describe_map_run(mapRunArn=missing)
    assert exc.value.response["Error"]["Code"] == "ResourceNotFound"
    with pytest.raises(ClientError) as exc:
        sfn.describe_map_run(mapRunArn="arn:aws:states:us-east-1:000000000000:bogus")
    assert exc.value.response["Error"]["Code"] == "InvalidArn"


def test_update_map_run_raises_concurrency_of_a_running_run(sfn, strato):
    waiting = {
        "StartAt": "Sleep",
        "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": True}},
    }
    definition = distributed(processor=waiting, MaxConcurrency=1, ItemsPath="$.items")
    machine = create_machine(sfn, definition)
    execution = sfn.start_execution(
        stateMachineArn=machine, input=json.dumps({"items": [1, 2, 3]})
    )["executionArn"]
    runs = wait_for(lambda: sfn.list_map_runs(executionArn=execution)["mapRuns"])
    run_arn = runs[0]["mapRunArn"]
    before = sfn.describe_map_run(mapRunArn=run_arn)
    assert before["executionCounts"]["running"] == 1 and before["executionCounts"]["pending"] == 2
    sfn.update_map_run(mapRunArn=run_arn, maxConcurrency=5, toleratedFailureCount=2)
    after = wait_for(
        lambda: (
            (d := sfn.describe_map_run(mapRunArn=run_arn))["executionCounts"]["running"] == 3 and d
        )
    )
    assert after["maxConcurrency"] == 5 and after["toleratedFailureCount"] == 2
    strato.advance_clock(3600)
    assert wait_status(sfn, execution)["status"] == "SUCCEEDED"
    with pytest.raises(ClientError) as exc:
        sfn.update_map_run(mapRunArn=run_arn)
    assert exc.value.response["Error"]["Code"] == "ValidationException"


def test_tolerated_failure_count_through_the_api(sfn):
    fail_odd = {
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Boom"}],
                "Default": "Ok",
            },
            "Boom": {"Type": "Fail", "Error": "Odd", "Cause": "one"},
            "Ok": {"Type": "Pass", "End": True},
        },
    }
    tolerant = distributed(processor=fail_odd, ToleratedFailureCount=1, ItemsPath="$.items")
    out = run(sfn, tolerant, {"items": [0, 1, 2]})
    assert out["status"] == "SUCCEEDED", out.get("cause")
    strict = distributed(processor=fail_odd, ToleratedFailureCount=0, ItemsPath="$.items")
    out = run(sfn, strict, {"items": [0, 1, 2]})
    assert out["status"] == "FAILED"
    assert out["error"] == "States.ExceedToleratedFailureThreshold"
    run_arn = sfn.list_map_runs(executionArn=out["executionArn"])["mapRuns"][0]["mapRunArn"]
    described = sfn.describe_map_run(mapRunArn=run_arn)
    assert described["status"] == "FAILED" and described["executionCounts"]["failed"] == 1
    assert "MapRunFailed" in history_types(sfn, out["executionArn"])
    children = sfn.list_executions(mapRunArn=run_arn)["executions"]
    statuses = [c["status"] for c in children]
    assert len(children) == 3 and statuses.count("FAILED") == 1
    assert set(statuses) <= {"FAILED", "SUCCEEDED", "ABORTED"}  # the rest stop with the run
    machine_name = out["executionArn"].split(":")[6]
    for child in children:
        assert child["mapRunArn"] == run_arn
        assert child["executionArn"].startswith(
            f"arn:aws:states:us-east-1:000000000000:execution:{machine_name}/Map:"
        )
        assert child["stateMachineArn"].endswith(f":stateMachine:{machine_name}/Map")
    failed = sfn.list_executions(mapRunArn=run_arn, statusFilter="FAILED")["executions"]
    assert len(failed) == 1


def test_item_batcher_through_the_api(sfn, s3, bucket):
    s3.put_object(Bucket=bucket, Key="b.json", Body=json.dumps(list(range(7))))
    count = {
        "StartAt": "Count",
        "States": {
            "Count": {
                "Type": "Pass",
                "Parameters": {"n.$": "States.ArrayLength($.Items)", "tag.$": "$.BatchInput.t"},
                "End": True,
            }
        },
    }
    definition = distributed(
        get_object("JSON"),
        processor=count,
        ItemBatcher={"MaxItemsPerBatch": 3, "BatchInput": {"t": "x"}},
    )
    out = run(sfn, definition, {"bucket": bucket, "key": "b.json"})
    assert json.loads(out["output"]) == [
        {"n": 3, "tag": "x"},
        {"n": 3, "tag": "x"},
        {"n": 1, "tag": "x"},
    ]
    run_arn = sfn.list_map_runs(executionArn=out["executionArn"])["mapRuns"][0]["mapRunArn"]
    described = sfn.describe_map_run(mapRunArn=run_arn)
    assert described["itemCounts"]["total"] == 7 and described["executionCounts"]["total"] == 3


def test_standard_execution_fails_at_the_history_limit_and_express_does_not(sfn):
    # Each turn is a Pass and a Choice (four events): the loop passes 25,000 events.
    loop = {
        "StartAt": "Count",
        "States": {
            "Count": {
                "Type": "Pass",
                "Parameters": {"n.$": "States.MathAdd($.n, 1)"},
                "Next": "More",
            },
            "More": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": 7000, "Next": "Count"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    machine = create_machine(sfn, loop)
    execution = sfn.start_execution(stateMachineArn=machine, input='{"n": 0}')["executionArn"]
    out = wait_status(sfn, execution, timeout=60)
    assert out["status"] == "FAILED" and out["error"] == "States.Runtime"
    assert "25,000" in out["cause"]
    events = sfn.get_execution_history(executionArn=execution, reverseOrder=True, maxResults=1)
    last = events["events"][0]
    assert last["id"] == 25_000 and last["type"] == "ExecutionFailed"
    express = create_machine(sfn, loop, kind="EXPRESS")
    done = sfn.start_sync_execution(stateMachineArn=express, input='{"n": 0}')
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"]) == {"n": 7000}


def test_stopping_the_execution_aborts_its_map_run(sfn):
    waiting = {
        "StartAt": "Sleep",
        "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": True}},
    }
    machine = create_machine(sfn, distributed(processor=waiting, ItemsPath="$.items"))
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"items": [1, 2]}))[
        "executionArn"
    ]
    runs = wait_for(lambda: sfn.list_map_runs(executionArn=execution)["mapRuns"])
    sfn.stop_execution(executionArn=execution)
    described = sfn.describe_map_run(mapRunArn=runs[0]["mapRunArn"])
    assert described["status"] == "ABORTED"
    assert described["executionCounts"]["aborted"] == 2
    assert described["executionCounts"]["running"] == 0


def test_distributed_map_resumes_after_sigkill(tmp_path):
    server = StratoProcess(str(tmp_path / "state")).start()
    try:
        sfn, s3 = restart_client(server), restart_client(server, "s3")
        s3.create_bucket(Bucket="data")
        s3.put_object(Bucket="data", Key="in.json", Body="[1, 2, 3]")
        waiting = {
            "StartAt": "Sleep",
            "States": {"Sleep": {"Type": "Wait", "Seconds": 60, "End": True}},
        }
        writer = {
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "data", "Prefix": "out"},
        }
        definition = distributed(
            get_object("JSON"), processor=waiting, MaxConcurrency=2, ResultWriter=writer
        )
        machine = create_machine(sfn, definition)
        execution = sfn.start_execution(
            stateMachineArn=machine, input=json.dumps({"bucket": "data", "key": "in.json"})
        )["executionArn"]
        runs = wait_for(lambda: sfn.list_map_runs(executionArn=execution)["mapRuns"])
        run_arn = runs[0]["mapRunArn"]
        assert sfn.describe_map_run(mapRunArn=run_arn)["executionCounts"]["running"] == 2
        server.kill()

        server.start()
        sfn = restart_client(server)
        assert sfn.describe_map_run(mapRunArn=run_arn)["status"] == "RUNNING"
        server.advance_clock(60)
        wait_for(lambda: sfn.describe_map_run(mapRunArn=run_arn)["executionCounts"]["running"] == 1)
        server.advance_clock(60)
        out = wait_status(sfn, execution)
        assert out["status"] == "SUCCEEDED", out.get("cause")
        key = json.loads(out["output"])["ResultWriterDetails"]["Key"]
        s3 = restart_client(server, "s3")
        manifest = json.loads(s3.get_object(Bucket="data", Key=key)["Body"].read())
        [results] = manifest["ResultFiles"]["SUCCEEDED"]
        written = json.loads(s3.get_object(Bucket="data", Key=results["Key"])["Body"].read())
        assert [json.loads(r["Input"]) for r in written] == [1, 2, 3]
        counts = sfn.describe_map_run(mapRunArn=run_arn)["itemCounts"]
        assert (counts["succeeded"], counts["resultsWritten"]) == (3, 3)
    finally:
        server.stop()


def restart_client(server: StratoProcess, service: str = "stepfunctions"):
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, inject_host_prefix=False),
    )


def test_tolerated_percentage_with_failed_results_written(sfn, s3, bucket):
    fail_one = {
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Boom"}],
                "Default": "Ok",
            },
            "Boom": {"Type": "Fail", "Error": "One", "Cause": "item one"},
            "Ok": {"Type": "Pass", "End": True},
        },
    }
    writer = {
        "Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket": bucket, "Prefix": "runs/"},
    }
    definition = distributed(
        processor=fail_one,
        ItemsPath="$.items",
        ToleratedFailurePercentage=50,
        ResultWriter=writer,
    )
    out = run(sfn, definition, {"items": [0, 1]})
    assert out["status"] == "SUCCEEDED", out.get("cause")
    key = json.loads(out["output"])["ResultWriterDetails"]["Key"]
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    [failed_file] = manifest["ResultFiles"]["FAILED"]
    assert failed_file["Key"].startswith("runs/") and failed_file["Key"].endswith("/FAILED_0.json")
    [failed] = json.loads(s3.get_object(Bucket=bucket, Key=failed_file["Key"])["Body"].read())
    assert (failed["Status"], failed["Error"], failed["Cause"]) == ("FAILED", "One", "item one")
    assert json.loads(failed["Input"]) == 1
    assert len(manifest["ResultFiles"]["SUCCEEDED"]) == 1
    out = run(sfn, {**definition}, {"items": [1, 1, 0]})  # two of three fail: over 50%
    assert out["error"] == "States.ExceedToleratedFailureThreshold"
