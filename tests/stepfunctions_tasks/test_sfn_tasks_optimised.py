"""Optimised integrations (DynamoDB, SQS, SNS, EventBridge) and Lambda, on real providers.

Results carry what AWS adds (`SdkHttpMetadata`, `SdkResponseMetadata`), bodies given as
JSON arrive as JSON text, and errors carry the names a Catch matches on.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile

import pytest

from strato.asl import TaskFailure

STATES = "arn:aws:states:::"
SDK = STATES + "aws-sdk:"
ACCOUNT, REGION = "000000000000", "us-east-1"


def failure(harness, resource, parameters) -> TaskFailure:
    with pytest.raises(TaskFailure) as info:
        harness.task(resource, parameters)
    return info.value


def assert_sdk_metadata(result: dict, status: int = 200) -> None:
    request_id = result["SdkResponseMetadata"]["RequestId"]
    http = result["SdkHttpMetadata"]
    assert http["HttpStatusCode"] == status
    assert http["HttpHeaders"]["x-amzn-RequestId"] == request_id
    assert http["AllHttpHeaders"]["x-amzn-RequestId"] == [request_id]


def queue(harness) -> str:
    name = f"sfn-{uuid.uuid4().hex[:10]}"
    return harness.task(SDK + "sqs:createQueue", {"QueueName": name})["QueueUrl"]


def receive_one(harness, url: str) -> dict:
    got = harness.task(
        SDK + "sqs:receiveMessage",
        {"QueueUrl": url, "WaitTimeSeconds": 5, "MaxNumberOfMessages": 1},
    )
    [message] = got["Messages"]
    return message


# -- DynamoDB ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def table(harness):
    name = f"sfn-{uuid.uuid4().hex[:10]}"
    harness.task(
        SDK + "dynamodb:createTable",
        {
            "TableName": name,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    return name


def test_dynamodb_put_get_update_delete(harness, table):
    key = {"pk": {"S": "user-1"}}
    put = harness.task(
        STATES + "dynamodb:putItem",
        {"TableName": table, "Item": {**key, "visits": {"N": "1"}, "raw": {"B": "AAEC"}}},
    )
    assert set(put) == {"SdkHttpMetadata", "SdkResponseMetadata"}
    assert_sdk_metadata(put)
    got = harness.task(STATES + "dynamodb:getItem", {"TableName": table, "Key": key})
    assert got["Item"] == {**key, "visits": {"N": "1"}, "raw": {"B": "AAEC"}}
    assert_sdk_metadata(got)
    updated = harness.task(
        STATES + "dynamodb:updateItem",
        {
            "TableName": table,
            "Key": key,
            "UpdateExpression": "SET visits = visits + :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
            "ReturnValues": "UPDATED_NEW",
        },
    )
    assert updated["Attributes"] == {"visits": {"N": "2"}}
    deleted = harness.task(
        STATES + "dynamodb:deleteItem", {"TableName": table, "Key": key, "ReturnValues": "ALL_OLD"}
    )
    assert deleted["Attributes"]["visits"] == {"N": "2"}
    gone = harness.task(STATES + "dynamodb:getItem", {"TableName": table, "Key": key})
    assert "Item" not in gone


def test_dynamodb_conditional_failure_is_named_for_catch(harness, table):
    item = {"pk": {"S": "once"}}
    harness.task(STATES + "dynamodb:putItem", {"TableName": table, "Item": item})
    err = failure(
        harness,
        STATES + "dynamodb:putItem",
        {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"},
    )
    assert err.error == "DynamoDB.ConditionalCheckFailedException"
    assert err.cause.startswith("The conditional request failed (Service: AmazonDynamoDBv2;")
    assert "Error Code: ConditionalCheckFailedException" in err.cause


def test_dynamodb_missing_table(harness):
    err = failure(
        harness,
        STATES + "dynamodb:getItem",
        {"TableName": "absent-table", "Key": {"pk": {"S": "a"}}},
    )
    assert err.error == "DynamoDB.ResourceNotFoundException"


# -- SQS, SNS, EventBridge -------------------------------------------------------------
def test_sqs_send_message_json_body(harness):
    url = queue(harness)
    sent = harness.task(STATES + "sqs:sendMessage", {"QueueUrl": url, "MessageBody": {"order": 7}})
    assert_sdk_metadata(sent)
    message = receive_one(harness, url)
    assert json.loads(message["Body"]) == {"order": 7}
    assert message["MessageId"] == sent["MessageId"]
    assert sent["MD5OfMessageBody"] == hashlib.md5(message["Body"].encode()).hexdigest()


def test_sqs_missing_queue_is_named_as_the_sdk_names_it(harness):
    err = failure(
        harness,
        STATES + "sqs:sendMessage",
        {"QueueUrl": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/absent", "MessageBody": "x"},
    )
    assert err.error == "SQS.QueueDoesNotExistException"
    assert "Error Code: AWS.SimpleQueueService.NonExistentQueue" in err.cause


def test_sns_publish_reaches_a_subscribed_queue(harness):
    topic = harness.task(SDK + "sns:createTopic", {"Name": f"sfn-{uuid.uuid4().hex[:8]}"})
    url = queue(harness)
    queue_arn = harness.task(
        SDK + "sqs:getQueueAttributes", {"QueueUrl": url, "AttributeNames": ["QueueArn"]}
    )["Attributes"]["QueueArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic["TopicArn"]}},
            }
        ],
    }
    harness.task(
        SDK + "sqs:setQueueAttributes",
        {"QueueUrl": url, "Attributes": {"Policy": json.dumps(policy)}},
    )
    harness.task(
        SDK + "sns:subscribe",
        {
            "TopicArn": topic["TopicArn"],
            "Protocol": "sqs",
            "Endpoint": queue_arn,
            "Attributes": {"RawMessageDelivery": "true"},
        },
    )
    published = harness.task(
        STATES + "sns:publish", {"TopicArn": topic["TopicArn"], "Message": {"hello": "world"}}
    )
    assert_sdk_metadata(published)
    assert json.loads(receive_one(harness, url)["Body"]) == {"hello": "world"}


def test_sns_missing_topic(harness):
    err = failure(
        harness,
        STATES + "sns:publish",
        {"TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:absent", "Message": "m"},
    )
    assert err.error == "SNS.NotFoundException"


def test_events_put_events_detail_object(harness):
    url = queue(harness)
    queue_arn = harness.task(
        SDK + "sqs:getQueueAttributes", {"QueueUrl": url, "AttributeNames": ["QueueArn"]}
    )["Attributes"]["QueueArn"]
    source = f"sfn.test.{uuid.uuid4().hex[:8]}"
    rule = f"sfn-{uuid.uuid4().hex[:8]}"
    harness.task(
        SDK + "eventbridge:putRule",
        {"Name": rule, "EventPattern": json.dumps({"source": [source]})},
    )
    harness.task(
        SDK + "eventbridge:putTargets", {"Rule": rule, "Targets": [{"Id": "q", "Arn": queue_arn}]}
    )
    result = harness.task(
        STATES + "events:putEvents",
        {"Entries": [{"Source": source, "DetailType": "Order", "Detail": {"id": 1}}]},
    )
    assert result["FailedEntryCount"] == 0
    assert set(result) == {"Entries", "FailedEntryCount"}  # EventBridge adds no SDK metadata
    event = json.loads(receive_one(harness, url)["Body"])
    assert event["id"] == result["Entries"][0]["EventId"]
    assert event["detail"] == {"id": 1} and event["detail-type"] == "Order"


def test_api_gateway_is_not_hosted(harness):
    err = failure(harness, STATES + "apigateway:invoke", {"ApiEndpoint": "x", "Method": "GET"})
    assert err.error == "States.TaskFailed"
    assert "API Gateway" in err.cause


def test_unknown_optimised_integration(harness):
    err = failure(harness, STATES + "batch:submitJob", {"JobName": "j"})
    assert err.error == "States.TaskFailed"
    assert "SFN_MOCK_CONFIG" in err.cause


# -- Lambda --------------------------------------------------------------------------------
HANDLER = """
class CustomError(Exception):
    pass

def handler(event, context):
    if event.get("fail"):
        raise CustomError("failed on purpose")
    return {"echo": event, "version": context.function_version}
"""


@pytest.fixture(scope="module")
def function(harness):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", HANDLER)
    name = f"sfn-{uuid.uuid4().hex[:8]}"
    out = harness.provider("lambda").create_function(
        harness.ctx,
        {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Role": f"arn:aws:iam::{ACCOUNT}:role/fn",
            "Handler": "app.handler",
            "Code": {"ZipFile": buf.getvalue()},
        },
    )
    return out["FunctionArn"]


def test_function_arn_resource_returns_the_payload(harness, function):
    assert harness.task(function, {"n": 1}) == {"echo": {"n": 1}, "version": "$LATEST"}


def test_function_error_is_its_error_type(harness, function):
    err = failure(harness, function, {"fail": True})
    assert err.error == "CustomError"
    body = json.loads(err.cause)
    assert body["errorType"] == "CustomError"
    assert body["errorMessage"] == "failed on purpose"


def test_lambda_invoke_result_shape(harness, function):
    out = harness.task(STATES + "lambda:invoke", {"FunctionName": function, "Payload": {"n": 2}})
    assert out["Payload"] == {"echo": {"n": 2}, "version": "$LATEST"}
    assert out["StatusCode"] == 200 and out["ExecutedVersion"] == "$LATEST"
    assert set(out) == {
        "ExecutedVersion",
        "Payload",
        "SdkHttpMetadata",
        "SdkResponseMetadata",
        "StatusCode",
    }
    assert_sdk_metadata(out)
    assert out["SdkHttpMetadata"]["HttpHeaders"]["X-Amz-Executed-Version"] == "$LATEST"


def test_lambda_invoke_function_error(harness, function):
    err = failure(
        harness, STATES + "lambda:invoke", {"FunctionName": function, "Payload": {"fail": 1}}
    )
    assert err.error == "CustomError"
    assert json.loads(err.cause)["errorMessage"] == "failed on purpose"
    assert '"errorType":"CustomError"' in err.cause  # the payload, written compactly


@pytest.mark.parametrize(
    ("payload", "event"),
    [('{"n": 3}', {"n": 3}), ("plain text", "plain text"), ([1, 2], [1, 2])],
)
def test_lambda_invoke_payload_forms(harness, payload, event):
    """JSON text is sent as it is; any other value (plain text included) as its JSON."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", "def handler(event, context):\n    return {'event': event}\n")
    name = f"sfn-echo-{uuid.uuid4().hex[:6]}"
    harness.provider("lambda").create_function(
        harness.ctx,
        {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Role": f"arn:aws:iam::{ACCOUNT}:role/fn",
            "Handler": "app.handler",
            "Code": {"ZipFile": buf.getvalue()},
        },
    )
    out = harness.task(STATES + "lambda:invoke", {"FunctionName": name, "Payload": payload})
    assert out["Payload"] == {"event": event}


def test_lambda_invoke_missing_function(harness):
    err = failure(harness, STATES + "lambda:invoke", {"FunctionName": "absent-fn", "Payload": {}})
    assert err.error == "Lambda.ResourceNotFoundException"
    assert "(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException;" in (
        err.cause
    )


def test_lambda_invoke_event_answers_202(harness, function):
    out = harness.task(
        STATES + "lambda:invoke", {"FunctionName": function, "InvocationType": "Event"}
    )
    assert out["StatusCode"] == 202 and out["Payload"] == ""
