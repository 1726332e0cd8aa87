"""Task integrations end to end: boto3 creates a state machine on a real server and runs it.

Each workflow calls the real services (DynamoDB, S3, SQS, SNS, Lambda) and the test checks
what a user would: the execution's output, the service's own state, and Catch matching the
error names Step Functions gives.
"""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile

import pytest

ROLE = "arn:aws:iam::000000000000:role/sfn-tasks"
STATES = "arn:aws:states:::"


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def sfn(client_factory):
    return client_factory("stepfunctions", inject_host_prefix=False)


def run(sfn, definition: dict, payload: dict, timeout: float = 30.0) -> dict:
    """Create a Standard state machine, start it, and wait for it to finish."""
    machine = sfn.create_state_machine(
        name=_unique("tasks"), definition=json.dumps(definition), roleArn=ROLE
    )["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, input=json.dumps(payload))["executionArn"]
    deadline = time.monotonic() + timeout
    while True:  # the engine runs the execution in the background
        out = sfn.describe_execution(executionArn=arn)
        if out["status"] != "RUNNING" or time.monotonic() > deadline:
            return out
        time.sleep(0.02)


def output(described: dict) -> dict:
    assert described["status"] == "SUCCEEDED", described
    return json.loads(described["output"])


def test_dynamodb_s3_sqs_and_sns_in_one_workflow(sfn, client_factory):
    ddb, s3, sqs, sns = (client_factory(s) for s in ("dynamodb", "s3", "sqs", "sns"))
    table, bucket = _unique("sfn-table"), _unique("sfn-bucket")
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    s3.create_bucket(Bucket=bucket)
    queue_url = sqs.create_queue(QueueName=_unique("sfn-queue"))["QueueUrl"]
    topic = sns.create_topic(Name=_unique("sfn-topic"))["TopicArn"]
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task",
                "Resource": STATES + "dynamodb:putItem",
                "Parameters": {
                    "TableName": table,
                    "Item": {"id": {"S.$": "$.id"}, "name": {"S.$": "$.name"}},
                },
                "ResultPath": None,
                "Next": "Get",
            },
            "Get": {
                "Type": "Task",
                "Resource": STATES + "dynamodb:getItem",
                "Parameters": {"TableName": table, "Key": {"id": {"S.$": "$.id"}}},
                "ResultSelector": {"name.$": "$.Item.name.S"},
                "ResultPath": "$.stored",
                "Next": "Save",
            },
            "Save": {
                "Type": "Task",
                "Resource": STATES + "aws-sdk:s3:putObject",
                "Parameters": {"Bucket": bucket, "Key.$": "$.id", "Body.$": "$.stored"},
                "ResultPath": None,
                "Next": "Load",
            },
            "Load": {
                "Type": "Task",
                "Resource": STATES + "aws-sdk:s3:getObject",
                "Parameters": {"Bucket": bucket, "Key.$": "$.id"},
                "ResultSelector": {"body.$": "States.StringToJson($.Body)"},
                "ResultPath": "$.loaded",
                "Next": "Send",
            },
            "Send": {
                "Type": "Task",
                "Resource": STATES + "sqs:sendMessage",
                "Parameters": {"QueueUrl": queue_url, "MessageBody.$": "$.loaded.body"},
                "ResultSelector": {"id.$": "$.MessageId"},
                "ResultPath": "$.sent",
                "Next": "Notify",
            },
            "Notify": {
                "Type": "Task",
                "Resource": STATES + "sns:publish",
                "Parameters": {"TopicArn": topic, "Message.$": "$.name"},
                "ResultSelector": {"id.$": "$.MessageId"},
                "ResultPath": "$.published",
                "End": True,
            },
        },
    }
    out = output(run(sfn, definition, {"id": "u-1", "name": "Ada"}))
    assert out["stored"] == {"name": "Ada"}
    assert out["loaded"] == {"body": {"name": "Ada"}}
    assert out["published"]["id"]
    item = ddb.get_item(TableName=table, Key={"id": {"S": "u-1"}})["Item"]
    assert item["name"] == {"S": "Ada"}
    assert json.loads(s3.get_object(Bucket=bucket, Key="u-1")["Body"].read()) == {"name": "Ada"}
    [message] = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5)["Messages"]
    assert message["MessageId"] == out["sent"]["id"]
    assert json.loads(message["Body"]) == {"name": "Ada"}


@pytest.fixture(scope="module")
def function(client_factory):
    lam = client_factory("lambda", read_timeout=120)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "app.py",
            "class NotAllowed(Exception):\n    pass\n\n"
            "def handler(event, context):\n"
            "    if event.get('age', 0) < 18:\n"
            "        raise NotAllowed('too young')\n"
            "    return {'welcome': event['name']}\n",
        )
    name = _unique("sfn-fn")
    arn = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role="arn:aws:iam::000000000000:role/fn",
        Handler="app.handler",
        Code={"ZipFile": buf.getvalue()},
    )["FunctionArn"]
    yield arn
    lam.delete_function(FunctionName=name)


LAMBDA_FLOW = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Task",
            "Resource": STATES + "lambda:invoke",
            "Parameters": {"FunctionName": "FN", "Payload.$": "$"},
            "ResultSelector": {"payload.$": "$.Payload", "status.$": "$.StatusCode"},
            "Catch": [{"ErrorEquals": ["NotAllowed"], "ResultPath": "$.error", "Next": "Refused"}],
            "End": True,
        },
        "Refused": {"Type": "Pass", "End": True},
    },
}


def test_lambda_invoke_and_catch_on_the_error_type(sfn, function):
    flow = json.loads(json.dumps(LAMBDA_FLOW).replace('"FN"', json.dumps(function)))
    assert output(run(sfn, flow, {"name": "Ada", "age": 36})) == {
        "payload": {"welcome": "Ada"},
        "status": 200,
    }
    refused = output(run(sfn, flow, {"name": "Tim", "age": 9}))
    assert refused["error"]["Error"] == "NotAllowed"
    assert json.loads(refused["error"]["Cause"])["errorMessage"] == "too young"


def test_error_names_match_catchers(sfn, client_factory):
    bucket, table = _unique("sfn-bucket"), _unique("sfn-table")
    client_factory("s3").create_bucket(Bucket=bucket)
    client_factory("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    definition = {
        "StartAt": "Load",
        "States": {
            "Load": {
                "Type": "Task",
                "Resource": STATES + "aws-sdk:s3:getObject",
                "Parameters": {"Bucket": bucket, "Key": "missing"},
                "Catch": [
                    {"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.s3", "Next": "Once"}
                ],
                "End": True,
            },
            "Once": {
                "Type": "Task",
                "Resource": STATES + "dynamodb:putItem",
                "Parameters": {
                    "TableName": table,
                    "Item": {"id": {"S": "x"}},
                    "ConditionExpression": "attribute_not_exists(id)",
                },
                "ResultPath": None,
                "Next": "Twice",
            },
            "Twice": {
                "Type": "Task",
                "Resource": STATES + "dynamodb:putItem",
                "Parameters": {
                    "TableName": table,
                    "Item": {"id": {"S": "x"}},
                    "ConditionExpression": "attribute_not_exists(id)",
                },
                "Catch": [
                    {
                        "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                        "ResultPath": "$.ddb",
                        "Next": "Done",
                    }
                ],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    out = output(run(sfn, definition, {}))
    assert out["s3"]["Error"] == "S3.NoSuchKeyException"
    assert out["s3"]["Cause"].startswith("The specified key does not exist. (Service: S3,")
    assert out["ddb"]["Error"] == "DynamoDB.ConditionalCheckFailedException"
