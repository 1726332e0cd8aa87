"""`arn:aws:states:::aws-sdk:<service>:<action>` against the real providers, in process.

What a workflow author sees: PascalCase results, text bodies, ISO dates, and errors named
`<Service>.<Exception>` the way Step Functions names them.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid

import pytest

from strato.asl import TaskFailure

SDK = "arn:aws:states:::aws-sdk:"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")


def failure(harness, resource, parameters) -> TaskFailure:
    with pytest.raises(TaskFailure) as info:
        harness.task(resource, parameters)
    return info.value


@pytest.fixture(scope="module")
def bucket(harness):
    name = f"sfn-{uuid.uuid4().hex[:12]}"
    harness.task(SDK + "s3:createBucket", {"Bucket": name})
    return name


def test_s3_put_then_get_returns_the_body_as_text(harness, bucket):
    put = harness.task(SDK + "s3:putObject", {"Bucket": bucket, "Key": "a.txt", "Body": "hello"})
    got = harness.task(SDK + "s3:getObject", {"Bucket": bucket, "Key": "a.txt"})
    assert got["Body"] == "hello"
    assert got["ETag"] == put["ETag"] == '"5d41402abc4b2a76b9719d911017c592"'
    assert got["ContentLength"] == 5
    assert ISO.match(got["LastModified"])


def test_s3_json_body_is_stored_as_its_json_text(harness, bucket):
    harness.task(SDK + "s3:putObject", {"Bucket": bucket, "Key": "doc.json", "Body": {"a": [1]}})
    got = harness.task(SDK + "s3:getObject", {"Bucket": bucket, "Key": "doc.json"})
    assert json.loads(got["Body"]) == {"a": [1]}


def test_s3_listing_is_pascal_case(harness, bucket):
    harness.task(SDK + "s3:putObject", {"Bucket": bucket, "Key": "list/one", "Body": "1"})
    listed = harness.task(SDK + "s3:listObjectsV2", {"Bucket": bucket, "Prefix": "list/"})
    assert [o["Key"] for o in listed["Contents"]] == ["list/one"]
    assert listed["KeyCount"] == 1 and listed["IsTruncated"] is False


@pytest.mark.parametrize(
    ("resource", "params", "error", "cause_start"),
    [
        (
            "s3:getObject",
            {"Key": "missing"},
            "S3.NoSuchKeyException",
            "The specified key does not exist. (Service: S3, Status Code: 404, Request ID: ",
        ),
        (
            "s3:getObject",
            {"Bucket": "no-such-bucket-sfn", "Key": "k"},
            "S3.NoSuchBucketException",
            "The specified bucket does not exist (Service: S3, Status Code: 404",
        ),
        (
            "dynamodb:getItem",
            {"TableName": "no-such-table", "Key": {"pk": {"S": "a"}}},
            "DynamoDb.ResourceNotFoundException",
            "Requested resource not found (Service: DynamoDb, Status Code: 400",
        ),
        (
            "dynamodb:getItem",
            {"TableName": "no-such-table"},
            "DynamoDb.DynamoDbException",  # unmodeled ValidationException: the base exception
            "1 validation error detected: Value null at 'key'",
        ),
        (
            "sqs:getQueueUrl",
            {"QueueName": "no-such-queue"},
            "Sqs.QueueDoesNotExistException",
            "The specified queue does not exist.",
        ),
        (
            "ssm:getParameter",
            {"Name": "/no/such/parameter"},
            "Ssm.ParameterNotFoundException",
            "",
        ),
        (
            "secretsmanager:getSecretValue",
            {"SecretId": "no-such-secret"},
            "SecretsManager.ResourceNotFoundException",
            "Secrets Manager can't find the specified secret.",
        ),
        (
            "cloudwatchlogs:describeLogStreams",
            {"LogGroupName": "/no/such/group"},
            "CloudWatchLogs.ResourceNotFoundException",
            "",
        ),
    ],
)
def test_errors_are_named_service_dot_exception(
    harness, bucket, resource, params, error, cause_start
):
    params = {"Bucket": bucket, **params} if resource.startswith("s3:") else params
    err = failure(harness, SDK + resource, params)
    assert err.error == error
    assert err.cause.startswith(cause_start)


def test_camel_case_api_takes_and_returns_pascal_case(harness):
    """CloudWatch Logs' members are camelCase on the wire; Step Functions speaks PascalCase."""
    group = f"/sfn/{uuid.uuid4().hex[:8]}"
    assert harness.task(SDK + "cloudwatchlogs:createLogGroup", {"LogGroupName": group}) == {}
    found = harness.task(SDK + "cloudwatchlogs:describeLogGroups", {"LogGroupNamePrefix": group})
    [described] = found["LogGroups"]
    assert described["LogGroupName"] == group
    assert described["Arn"].endswith(f":log-group:{group}:*")


def _iso(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_timestamps_are_read_from_iso_text(harness):
    namespace = f"Sfn/{uuid.uuid4().hex[:8]}"
    minute = int(harness.platform.clock.now() - 600) // 60 * 60
    harness.task(
        SDK + "cloudwatch:putMetricData",
        {
            "Namespace": namespace,
            "MetricData": [{"MetricName": "Hits", "Value": 3, "Timestamp": _iso(minute + 5)}],
        },
    )
    stats = harness.task(
        SDK + "cloudwatch:getMetricStatistics",
        {
            "Namespace": namespace,
            "MetricName": "Hits",
            "StartTime": _iso(minute),
            "EndTime": _iso(minute + 60),
            "Period": 60,
            "Statistics": ["Sum"],
        },
    )
    [point] = stats["Datapoints"]
    assert point["Sum"] == 3
    assert point["Timestamp"] == _iso(minute)


def test_query_protocol_services_answer_too(harness):
    me = harness.task(SDK + "sts:getCallerIdentity", {})
    assert me["Account"] == "000000000000"
    assert me["Arn"] == harness.ctx.principal_arn


def test_secrets_round_trip(harness):
    name = f"sfn-{uuid.uuid4().hex[:8]}"
    created = harness.task(
        SDK + "secretsmanager:createSecret", {"Name": name, "SecretString": "s3cr3t"}
    )
    got = harness.task(SDK + "secretsmanager:getSecretValue", {"SecretId": created["ARN"]})
    assert got["SecretString"] == "s3cr3t" and got["Name"] == name
    assert ISO.match(got["CreatedDate"])


@pytest.mark.parametrize(
    ("resource", "params", "error", "words"),
    [
        ("forecast:createPredictor", {}, "States.TaskFailed", "does not host the 'forecast'"),
        ("s3:noSuchAction", {}, "States.Runtime", "no API action 'noSuchAction'"),
        ("s3:getObject", {"Bucket": "b", "Kee": "k"}, "States.Runtime", "'Kee' is not supported"),
        ("s3:getObject", ["not", "an", "object"], "States.Runtime", "must be a JSON object"),
    ],
)
def test_what_cannot_run_says_why(harness, resource, params, error, words):
    err = failure(harness, SDK + resource, params)
    assert err.error == error
    assert words in err.cause


def test_partitions_other_than_aws_are_accepted(harness):
    me = harness.task("arn:aws-cn:states:::aws-sdk:sts:getCallerIdentity", {})
    assert me["Account"] == "000000000000"


def test_step_functions_itself_is_an_sdk_service(harness):
    """`sfn` is Step Functions' own name in Resource ARNs; its errors are `Sfn.*`."""
    machine = harness.task(
        SDK + "sfn:createStateMachine",
        {
            "Name": f"sfn-{uuid.uuid4().hex[:8]}",
            "RoleArn": harness.ctx.principal_arn,
            "Definition": json.dumps(
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
            ),
        },
    )
    listed = harness.task(SDK + "sfn:listStateMachines", {})
    assert machine["StateMachineArn"] in [m["StateMachineArn"] for m in listed["StateMachines"]]
    missing = machine["StateMachineArn"].replace(":stateMachine:", ":execution:") + ":nope"
    err = failure(harness, SDK + "sfn:describeExecution", {"ExecutionArn": missing})
    assert err.error == "Sfn.ExecutionDoesNotExistException"
