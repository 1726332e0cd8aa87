"""Asynchronous invocation settings (event invoke configs) and the destinations that receive
the invocation record: on success, after the last retry, and when the event is too old."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
RECORDER = (
    "import boto3, json, os\n"
    "def handler(event, context):\n"
    "    rc = event['requestContext']\n"
    "    key = rc['requestId'] + '-' + rc['condition']\n"
    "    boto3.client('s3').put_object(Bucket=os.environ['BUCKET'], Key=key, Body=json.dumps(event))\n"
)
WORKER = (
    "import boto3, os\n"
    "def handler(event, context):\n"
    "    if event.get('count'):\n"
    "        s3 = boto3.client('s3')\n"
    "        n = len(s3.list_objects_v2(Bucket=os.environ['BUCKET'], Prefix='attempt-').get('Contents', []))\n"
    "        s3.put_object(Bucket=os.environ['BUCKET'], Key=f'attempt-{n}', Body=b'x')\n"
    "    if event.get('fail'):\n"
    "        raise ValueError('failed on purpose')\n"
    "    return {'doubled': event['n'] * 2}\n"
)


def error_of(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def fn_arn(name: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def wait_for_object(s3, bucket: str, key: str, timeout: float = 30.0) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except ClientError:
            time.sleep(0.05)
    raise AssertionError(f"{key} never arrived in {bucket}")


def count_objects(s3, bucket: str, prefix: str) -> int:
    return len(s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))


def test_event_invoke_config_lifecycle(lam, create_function):
    name = create_function({"app.py": WORKER})
    target = create_function({"app.py": WORKER})
    version = lam.publish_version(FunctionName=name)["Version"]

    put = lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": fn_arn(target)}},
    )
    assert put["FunctionArn"] == fn_arn(name, "$LATEST")
    assert put["MaximumRetryAttempts"] == 1 and "MaximumEventAgeInSeconds" not in put
    assert put["DestinationConfig"] == {
        "OnSuccess": {},
        "OnFailure": {"Destination": fn_arn(target)},
    }
    assert isinstance(put["LastModified"], dt.datetime)

    got = lam.get_function_event_invoke_config(FunctionName=name)
    assert {k: got[k] for k in ("FunctionArn", "MaximumRetryAttempts", "DestinationConfig")} == {
        k: put[k] for k in ("FunctionArn", "MaximumRetryAttempts", "DestinationConfig")
    }

    updated = lam.update_function_event_invoke_config(
        FunctionName=name, MaximumEventAgeInSeconds=300
    )
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (1, 300)
    assert updated["DestinationConfig"]["OnFailure"] == {"Destination": fn_arn(target)}

    replaced = lam.put_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=120)
    assert "MaximumRetryAttempts" not in replaced  # Put replaces the whole configuration
    assert replaced["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}

    lam.put_function_event_invoke_config(
        FunctionName=name, Qualifier=version, MaximumRetryAttempts=0
    )
    listed = lam.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]
    assert sorted(c["FunctionArn"] for c in listed) == sorted(
        [fn_arn(name, "$LATEST"), fn_arn(name, version)]
    )

    lam.delete_function_event_invoke_config(FunctionName=name)
    assert error_of(lambda: lam.get_function_event_invoke_config(FunctionName=name)) == (
        "ResourceNotFoundException",
        f"The function {fn_arn(name, '$LATEST')} doesn't have an EventInvokeConfig",
    )
    assert (
        lam.get_function_event_invoke_config(FunctionName=name, Qualifier=version)[
            "MaximumRetryAttempts"
        ]
        == 0
    )


def test_event_invoke_config_errors(lam, create_function):
    name = create_function({"app.py": WORKER})
    assert error_of(lambda: lam.put_function_event_invoke_config(FunctionName=name)) == (
        "InvalidParameterValueException",
        "You must specify at least one of error handling or destination setting.",
    )
    assert error_of(
        lambda: lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=3)
    ) == (
        "ValidationException",
        "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2",
    )
    assert (
        error_of(
            lambda: lam.put_function_event_invoke_config(
                FunctionName=name, MaximumEventAgeInSeconds=21601
            )
        )[0]
        == "ValidationException"
    )
    missing = fn_arn("no-such-function")
    assert error_of(
        lambda: lam.put_function_event_invoke_config(
            FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": missing}}
        )
    ) == (
        "InvalidParameterValueException",
        f"The destination ARN {missing} is invalid.",
    )
    assert error_of(
        lambda: lam.put_function_event_invoke_config(
            FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": fn_arn(name)}}
        )
    ) == (
        "InvalidParameterValueException",
        "You can't specify the function as a destination for itself.",
    )
    assert (
        error_of(
            lambda: lam.put_function_event_invoke_config(
                FunctionName=name,
                DestinationConfig={
                    "OnSuccess": {"Destination": "arn:aws:dynamodb:us-east-1:000000000000:table/t"}
                },
            )
        )[0]
        == "InvalidParameterValueException"
    )
    assert (
        error_of(
            lambda: lam.update_function_event_invoke_config(
                FunctionName=name, MaximumRetryAttempts=1
            )
        )[0]
        == "ResourceNotFoundException"
    )
    assert (
        error_of(
            lambda: lam.put_function_event_invoke_config(
                FunctionName=name, Qualifier="nope", MaximumRetryAttempts=1
            )
        )[0]
        == "ResourceNotFoundException"
    )
    assert (
        error_of(
            lambda: lam.put_function_event_invoke_config(
                FunctionName="no-such-function", MaximumRetryAttempts=1
            )
        )[0]
        == "ResourceNotFoundException"
    )
    # SQS, SNS and EventBridge destinations are accepted even before Strato hosts them.
    queue = "arn:aws:sqs:us-east-1:000000000000:failures"
    out = lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": queue}}
    )
    assert out["DestinationConfig"]["OnFailure"] == {"Destination": queue}


def test_destinations_receive_the_invocation_record(lam, s3, bucket, create_function):
    recorder = create_function({"app.py": RECORDER}, Environment={"Variables": {"BUCKET": bucket}})
    name = create_function({"app.py": WORKER}, Environment={"Variables": {"BUCKET": bucket}})
    lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumRetryAttempts=0,
        DestinationConfig={
            "OnSuccess": {"Destination": fn_arn(recorder)},
            "OnFailure": {"Destination": fn_arn(recorder)},
        },
    )

    ok = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 21}))
    request_id = ok["ResponseMetadata"]["RequestId"]
    record = wait_for_object(s3, bucket, f"{request_id}-Success")
    assert record["version"] == "1.0"
    assert dt.datetime.strptime(record["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": fn_arn(name, "$LATEST"),
        "condition": "Success",
        "approximateInvokeCount": 1,
    }
    assert record["requestPayload"] == {"n": 21}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"doubled": 42}

    bad = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"fail": True}))
    request_id = bad["ResponseMetadata"]["RequestId"]
    record = wait_for_object(s3, bucket, f"{request_id}-RetriesExhausted")
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["requestPayload"] == {"fail": True}
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"]["errorType"] == "ValueError"
    assert record["responsePayload"]["errorMessage"] == "failed on purpose"
    assert count_objects(s3, bucket, f"{request_id}-Success") == 0


def test_on_failure_after_retries_and_when_the_event_is_too_old(
    strato, lam, s3, bucket, create_function
):
    recorder = create_function({"app.py": RECORDER}, Environment={"Variables": {"BUCKET": bucket}})
    retried = create_function({"app.py": WORKER}, Environment={"Variables": {"BUCKET": bucket}})
    short_lived = create_function({"app.py": WORKER}, Environment={"Variables": {"BUCKET": bucket}})
    on_failure = {"OnFailure": {"Destination": fn_arn(recorder)}}
    lam.put_function_event_invoke_config(
        FunctionName=retried, MaximumRetryAttempts=1, DestinationConfig=on_failure
    )
    lam.put_function_event_invoke_config(
        FunctionName=short_lived, MaximumEventAgeInSeconds=60, DestinationConfig=on_failure
    )

    out = lam.invoke(
        FunctionName=retried,
        InvocationType="Event",
        Payload=json.dumps({"fail": True, "count": True}),
    )
    request_id = out["ResponseMetadata"]["RequestId"]
    deadline = time.time() + 30
    while time.time() < deadline and count_objects(s3, bucket, "attempt-") < 1:
        time.sleep(0.05)
    assert count_objects(s3, bucket, f"{request_id}-") == 0  # one retry still to come
    strato.advance_clock(61)
    record = wait_for_object(s3, bucket, f"{request_id}-RetriesExhausted")
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert count_objects(s3, bucket, "attempt-") == 2

    # A retry a minute later would find the event older than its 60-second limit.
    out = lam.invoke(
        FunctionName=short_lived, InvocationType="Event", Payload=json.dumps({"fail": True})
    )
    request_id = out["ResponseMetadata"]["RequestId"]
    record = wait_for_object(s3, bucket, f"{request_id}-EventAgeExceeded")
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["requestContext"]["functionArn"] == fn_arn(short_lived, "$LATEST")
