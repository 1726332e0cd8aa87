"""Lambda event source mappings for DynamoDB streams through boto3: order and shape of the
records, batching, retries and OnFailure, bisection, partial batch responses and filters."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError
from esm_helpers import (
    create_queue,
    invocations,
    pks,
    receive_all,
    stream_setup,
    wait,
)


@pytest.fixture(scope="module")
def lam(client_factory):
    return client_factory("lambda", read_timeout=120)


@pytest.fixture(scope="module")
def ddb(client_factory):
    return client_factory("dynamodb")


@pytest.fixture(scope="module")
def sqs(client_factory):
    return client_factory("sqs")


@pytest.fixture
def env(lam, ddb, bucket):
    with stream_setup(lam, ddb, bucket) as made:
        yield made


def _records(s3, bucket) -> list[dict]:
    return [r for event in invocations(s3, bucket) for r in event["Records"]]


def _map(lam, created, **kwargs) -> dict:
    out = lam.create_event_source_mapping(**kwargs)
    created.append(out["UUID"])
    return out


def test_delivers_changes_in_order_with_aws_shape(lam, ddb, s3, bucket, env):
    name, table, stream_arn, created = env
    out = _map(
        lam, created, FunctionName=name, EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON"
    )
    assert out["State"] == "Creating"
    assert out["BatchSize"] == 100
    assert out["StartingPosition"] == "TRIM_HORIZON"
    assert out["MaximumRetryAttempts"] == -1 and out["MaximumRecordAgeInSeconds"] == -1
    assert out["ParallelizationFactor"] == 1 and out["BisectBatchOnFunctionError"] is False
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "1"}, "b": {"B": b"\x01"}})
    ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
    )
    ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}})
    records = wait(lambda: len(_records(s3, bucket)) >= 4 and _records(s3, bucket))
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE", "INSERT"]
    sequences = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequences == sorted(sequences) and len(set(sequences)) == 4
    insert, modify, remove, _ = records
    for r in records:
        assert r["eventVersion"] == "1.1"
        assert r["eventSource"] == "aws:dynamodb"
        assert r["awsRegion"] == "us-east-1"
        assert r["eventSourceARN"] == stream_arn
        assert len(r["eventID"]) > 0
        assert r["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert isinstance(r["dynamodb"]["SizeBytes"], int) and r["dynamodb"]["SizeBytes"] > 0
        assert isinstance(r["dynamodb"]["ApproximateCreationDateTime"], int | float)
    assert insert["dynamodb"]["Keys"] == {"pk": {"S": "a"}}
    assert insert["dynamodb"]["NewImage"]["b"] == {"B": "AQ=="}  # binary is base64 in JSON
    assert "OldImage" not in insert["dynamodb"]
    assert modify["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["v"] == {"N": "2"}
    assert "NewImage" not in remove["dynamodb"] and remove["dynamodb"]["OldImage"]["v"] == {
        "N": "2"
    }
    got = wait(
        lambda: (
            lam.get_event_source_mapping(UUID=out["UUID"])["LastProcessingResult"] == "OK"
            and lam.get_event_source_mapping(UUID=out["UUID"])
        )
    )
    assert got["State"] == "Enabled"
    assert got["DestinationConfig"] == {"OnFailure": {}}


def test_batch_size(lam, ddb, s3, bucket, env):
    name, table, stream_arn, created = env
    for i in range(7):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}})
    _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=3,
    )
    events = wait(lambda: len(_records(s3, bucket)) >= 7 and invocations(s3, bucket))
    assert [len(e["Records"]) for e in events] == [3, 3, 1]
    assert [pk for e in events for pk in pks(e)] == [f"k{i}" for i in range(7)]


def test_latest_skips_what_is_already_there(lam, ddb, s3, bucket, env):
    name, table, stream_arn, created = env
    ddb.put_item(TableName=table, Item={"pk": {"S": "before"}})
    _map(lam, created, FunctionName=name, EventSourceArn=stream_arn, StartingPosition="LATEST")
    ddb.put_item(TableName=table, Item={"pk": {"S": "after"}})
    records = wait(lambda: _records(s3, bucket))
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["after"]


def test_validation(lam, env, sqs):
    name, _table, stream_arn, _created = env
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(FunctionName=name, EventSourceArn=stream_arn)
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "startingPosition" in e.value.response["Error"]["Message"]
    bad = [
        {"BatchSize": 10001},
        {"ParallelizationFactor": 11},
        {"MaximumRecordAgeInSeconds": 30},
        {"MaximumRetryAttempts": 10001},
        {"DestinationConfig": {"OnFailure": {"Destination": "arn:aws:s3:::bucket-x:y:z"}}},
    ]
    for extra in bad:
        with pytest.raises(ClientError) as e:
            lam.create_event_source_mapping(
                FunctionName=name,
                EventSourceArn=stream_arn,
                StartingPosition="LATEST",
                **extra,
            )
        assert e.value.response["Error"]["Code"] == "InvalidParameterValueException", extra
    missing = stream_arn.replace("/stream/", "-gone/stream/")
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(
            FunctionName=name, EventSourceArn=missing, StartingPosition="LATEST"
        )
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    _url, queue_arn = create_queue(sqs)
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(
            FunctionName=name, EventSourceArn=queue_arn, StartingPosition="LATEST"
        )
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"


def test_bisect_isolates_the_failing_record(lam, ddb, sqs, s3, bucket, env):
    name, table, stream_arn, created = env
    dlq_url, dlq_arn = create_queue(sqs)
    for pk in ("a", "b", "c", "d"):
        item = {"pk": {"S": pk}}
        if pk == "c":
            item["fail"] = {"BOOL": True}
        ddb.put_item(TableName=table, Item=item)
    _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=4,
        MaximumRetryAttempts=0,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": dlq_arn}},
    )
    messages = receive_all(sqs, dlq_url, 1, timeout=60)
    assert len(messages) == 1
    info = json.loads(messages[0]["Body"])["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1
    events = wait(lambda: len(invocations(s3, bucket)) >= 5 and invocations(s3, bucket))
    assert [pks(e) for e in events] == [["a", "b", "c", "d"], ["a", "b"], ["c", "d"], ["c"], ["d"]]
    assert info["startSequenceNumber"] == events[3]["Records"][0]["dynamodb"]["SequenceNumber"]


def test_report_batch_item_failures_restarts_at_lowest_failure(lam, ddb, s3, bucket, env):
    name, table, stream_arn, created = env
    for pk in ("a", "b", "c", "d"):
        item = {"pk": {"S": pk}}
        if pk in ("b", "d"):
            item["bad"] = {"BOOL": True}
        ddb.put_item(TableName=table, Item=item)
    _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=4,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    out = created[-1]
    wait(lambda: lam.get_event_source_mapping(UUID=out)["LastProcessingResult"] == "OK")
    # b and d fail the first time they are seen; processing restarts at the lowest failure,
    # and `a`, which succeeded, is not delivered again.
    events = invocations(s3, bucket)
    assert [pks(e) for e in events] == [["a", "b", "c", "d"], ["b", "c", "d"]]


def test_filter_criteria(lam, ddb, s3, bucket, env):
    name, table, stream_arn, created = env
    pattern = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"color": {"S": ["red"]}}}}
    out = _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]},
    )
    assert out["FilterCriteria"]["Filters"][0]["Pattern"] == json.dumps(pattern)
    ddb.put_item(TableName=table, Item={"pk": {"S": "blue"}, "color": {"S": "blue"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "red"}, "color": {"S": "red"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "red"}, "color": {"S": "red"}, "n": {"N": "1"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "last"}, "color": {"S": "red"}})
    records = wait(lambda: len(_records(s3, bucket)) >= 2 and _records(s3, bucket))
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "red"),
        ("INSERT", "last"),
    ]


def test_parallelization_keeps_key_order(lam, ddb, s3, bucket, env):
    name, table, stream_arn, created = env
    for n in range(4):
        for pk in ("x", "y", "z"):
            ddb.put_item(TableName=table, Item={"pk": {"S": pk}, "n": {"N": str(n)}})
    _map(
        lam,
        created,
        FunctionName=name,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=2,
        ParallelizationFactor=3,
    )
    records = wait(lambda: len(_records(s3, bucket)) >= 12 and _records(s3, bucket))
    assert len(records) == 12
    for pk in ("x", "y", "z"):
        ns = [
            int(r["dynamodb"]["NewImage"]["n"]["N"])
            for r in records
            if r["dynamodb"]["Keys"]["pk"]["S"] == pk
        ]
        assert ns == [0, 1, 2, 3]


def test_disable_pauses_and_enable_resumes_without_loss(lam, ddb, s3, bucket, env):
    name, table, stream_arn, created = env
    out = _map(
        lam, created, FunctionName=name, EventSourceArn=stream_arn, StartingPosition="LATEST"
    )
    ddb.put_item(TableName=table, Item={"pk": {"S": "one"}})
    assert wait(lambda: _records(s3, bucket))
    updated = lam.update_event_source_mapping(UUID=out["UUID"], Enabled=False, BatchSize=5)
    assert updated["State"] == "Updating" and updated["BatchSize"] == 5
    assert lam.get_event_source_mapping(UUID=out["UUID"])["State"] == "Disabled"
    ddb.put_item(TableName=table, Item={"pk": {"S": "two"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "three"}})
    time.sleep(1.5)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in _records(s3, bucket)] == ["one"]
    lam.update_event_source_mapping(UUID=out["UUID"], Enabled=True)
    assert wait(lambda: len(_records(s3, bucket)) >= 3)
    events = invocations(s3, bucket)
    assert [pks(e) for e in events] == [["one"], ["two", "three"]]
