"""examples/recursive-invocation: writing back to the source bucket without an endless loop."""

from __future__ import annotations

import datetime as dt

from example_helpers import log_messages, settled, started, unique, wait_for

TEXT = b"hello recursion\n"


def _body(s3, bucket: str, key: str) -> bytes | None:
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None


def test_prefix_filter_output_key_does_not_fire_again(deploy_example, client_factory, logs_client):
    s3 = client_factory("s3")
    name = unique("recursion-prefix")
    bucket = f"{name}-bucket"
    deploy_example("recursive-invocation", name, "--pattern", "prefix-filter")

    s3.put_object(Bucket=bucket, Key="original/sample.txt", Body=TEXT)
    wait_for(lambda: _body(s3, bucket, "sample.txt"), "the processed object sample.txt")
    assert _body(s3, bucket, "sample.txt") == TEXT.upper()
    # Outside the filter: neither a .txt elsewhere nor another suffix under original/.
    s3.put_object(Bucket=bucket, Key="elsewhere.txt", Body=TEXT)
    s3.put_object(Bucket=bucket, Key="original/sample.csv", Body=TEXT)
    # The output write matched no filter: the function ran once, and keeps at once.
    assert settled(lambda: started(logs_client, name)) == 1
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == [
        "elsewhere.txt",
        "original/sample.csv",
        "original/sample.txt",
        "sample.txt",
    ]


def test_metadata_check_second_call_exits(deploy_example, client_factory, logs_client):
    s3 = client_factory("s3")
    name = unique("recursion-metadata")
    bucket = f"{name}-bucket"
    deploy_example("recursive-invocation", name, "--pattern", "metadata-check")

    s3.put_object(Bucket=bucket, Key="sample.txt", Body=TEXT, Metadata={"original": "true"})
    wait_for(
        lambda: any(
            m.startswith("Exiting - this is not the original object.")
            for m in log_messages(logs_client, name)
        ),
        "the second call to find no flag and exit",
    )
    # Two calls per object, as the post's table says: the original, then the overwrite.
    assert settled(lambda: started(logs_client, name)) == 2
    messages = log_messages(logs_client, name)
    assert sum(m.startswith("processed sample.txt") for m in messages) == 1
    head = s3.head_object(Bucket=bucket, Key="sample.txt")
    assert head["Metadata"] == {}
    assert _body(s3, bucket, "sample.txt") == TEXT.upper()


def test_unguarded_loop_is_stopped_by_lambda(
    deploy_example, client_factory, logs_client, cloudwatch_client
):
    s3 = client_factory("s3")
    name = unique("recursion-loop")
    bucket = f"{name}-bucket"
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    deploy_example("recursive-invocation", name, "--pattern", "unguarded-loop")

    s3.put_object(Bucket=bucket, Key="sample.txt", Body=TEXT)
    wait_for(
        lambda: any(
            "Lambda stopped a recursive invocation" in m for m in log_messages(logs_client, name)
        ),
        "Lambda to log that it stopped the loop",
    )
    runs = settled(lambda: started(logs_client, name))
    # AWS stops an S3 -> function -> S3 chain after about 16 calls; the count stops growing.
    assert 10 <= runs <= 16, runs
    stop = [m for m in log_messages(logs_client, name) if "Lambda stopped a recursive" in m]
    assert stop == [
        f"Lambda stopped a recursive invocation of {name} after {runs} invocations in one chain."
    ]
    # Every call that ran added one line; the call that was stopped wrote nothing.
    assert _body(s3, bucket, "sample.txt").decode().count("\n") == 1 + runs

    dropped = cloudwatch_client.get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName="RecursiveInvocationsDropped",
        Dimensions=[{"Name": "FunctionName", "Value": name}],
        StartTime=since,
        EndTime=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    assert sum(d["Sum"] for d in dropped) == 1


def test_dynamodb_dedupe_processes_each_key_once(deploy_example, client_factory, logs_client):
    s3, ddb = client_factory("s3"), client_factory("dynamodb")
    name = unique("recursion-ddb")
    bucket, recorder, processor = f"{name}-bucket", f"{name}-recorder", f"{name}-processor"
    deploy_example(
        "recursive-invocation",
        name,
        "--pattern",
        "dynamodb-dedupe",
        functions=(recorder, processor),
    )

    s3.put_object(Bucket=bucket, Key="sample.txt", Body=TEXT)
    wait_for(
        lambda: _body(s3, bucket, "sample.txt") == TEXT.upper(),
        "the processor to write the processed object back under the same key",
    )
    # The overwrite calls the recorder again; it puts the same item, which writes no stream
    # record, so the processor does not run again: 2 recorder calls, 1 processor call.
    assert settled(lambda: (started(logs_client, recorder), started(logs_client, processor))) == (
        2,
        1,
    )
    assert (
        sum(m.startswith("processed sample.txt") for m in log_messages(logs_client, processor)) == 1
    )
    item = ddb.get_item(TableName=f"{name}-keys", Key={"ID": {"S": "sample.txt"}})["Item"]
    assert item["Bucket"] == {"S": bucket}
    # TTL: epoch seconds of the next midnight (UTC), within a day from now.
    now = dt.datetime.now(dt.UTC).timestamp()
    assert now < int(item["TimeToLive"]["N"]) <= now + 86400
    ttl = ddb.describe_time_to_live(TableName=f"{name}-keys")["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "TimeToLive")
