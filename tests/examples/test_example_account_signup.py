"""examples/account-signup: Parallel Lambda checks, JSONPath processing, DynamoDB/SQS/SNS."""

from __future__ import annotations

import copy
import json

import pytest
from example_helpers import EXAMPLES, delete_functions, deploy, unique, wait_for
from workflow_helpers import entered, history, output, subscribed_queue, wait_done

PAYLOAD = json.loads((EXAMPLES / "account-signup" / "sample_payload.json").read_text())


@pytest.fixture(scope="module")
def signup(endpoint, lambda_client, client_factory):
    """The example deployed once, with an SQS queue subscribed to its notification topic."""
    name = unique("signup")
    functions = [f"{name}-check-identity", f"{name}-check-address"]
    try:
        out = deploy("account-signup", endpoint, "--name", name)
        yield _subscribed(name, out, client_factory)
    finally:
        delete_functions(lambda_client, functions)


def _subscribed(name: str, out: str, client_factory) -> dict:
    arns = {
        line.split()[0]: line.split()[-1]
        for line in out.splitlines()
        if line.startswith(("state machine ", "express state machine "))
    }
    sqs, sns = client_factory("sqs"), client_factory("sns")
    topic_arn = sns.create_topic(Name=f"{name}-customer-notifications")["TopicArn"]
    inbox = subscribed_queue(sqs, sns, topic_arn, f"{name}-inbox")
    return {
        "name": name,
        "standard": arns["state"],
        "express": arns["express"],
        "table": f"{name}-accounts",
        "interests": sqs.get_queue_url(QueueName=f"{name}-home-insurance-interests")["QueueUrl"],
        "inbox": inbox,
    }


def _notifications(sqs, queue_url: str) -> list[str]:
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
    ).get("Messages", [])
    for m in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
    return [json.loads(m["Body"])["Message"] for m in messages]


def test_good_signup_is_approved_stored_queued_and_notified(signup, client_factory):
    sfn = client_factory("stepfunctions", inject_host_prefix=False)
    ddb, sqs = client_factory("dynamodb"), client_factory("sqs")
    execution = sfn.start_execution(stateMachineArn=signup["standard"], input=json.dumps(PAYLOAD))[
        "executionArn"
    ]
    out = wait_done(sfn, execution)
    assert out["status"] == "SUCCEEDED", out
    # OutputPath $.results: the checks' verdicts (StringToJson) and each service call's status.
    assert output(out) == {
        "identityResult": {"approved": True, "message": "identity validation passed"},
        "addressResult": {"approved": True, "message": "address validation passed"},
        "accountAddition": {"statusCode": 200},
        "homeInsuranceInterests": {"statusCode": 200},
        "sendApprovedNotification": {"statusCode": 200},
    }
    assert entered(history(sfn, execution), "Deny Message") == []

    item = ddb.get_item(TableName=signup["table"], Key={"PK": {"S": "jdoe@example.com"}})["Item"]
    assert item == {
        "PK": {"S": "jdoe@example.com"},
        "first_name": {"S": "Jane"},
        "last_name": {"S": "Doe"},
        "address": {"S": "123 Main St, Columbus, OH - 43219"},
    }

    # $..interests[?(@.category==home)] picked the two home interests, in order.
    queued = wait_for(
        lambda: sqs.receive_message(QueueUrl=signup["interests"], WaitTimeSeconds=1).get(
            "Messages"
        ),
        "the home insurance interests on the queue",
    )
    assert json.loads(queued[0]["Body"]) == [
        {"category": "home", "type": "own", "yearBuilt": 2004},
        {"category": "home", "type": "business", "yearBuilt": 2009},
    ]
    sqs.delete_message(QueueUrl=signup["interests"], ReceiptHandle=queued[0]["ReceiptHandle"])

    notes = wait_for(lambda: _notifications(sqs, signup["inbox"]), "the approval notification")
    assert notes == ["Hello Jane, your application has been approved."]


def test_bad_signup_is_denied_through_a_synchronous_express_execution(signup, client_factory):
    sfn = client_factory("stepfunctions", inject_host_prefix=False)
    ddb, sqs = client_factory("dynamodb"), client_factory("sqs")
    payload = copy.deepcopy(PAYLOAD)
    payload["data"]["firstname"] = "John"
    payload["data"]["identity"] = {"email": "john@example.com", "ssn": "123-45-678X"}
    payload["data"]["address"]["city"] = "  "
    out = sfn.start_sync_execution(stateMachineArn=signup["express"], input=json.dumps(payload))
    assert out["status"] == "SUCCEEDED", out
    assert output(out) == {
        "identityResult": {"approved": False, "message": "identity validation failed"},
        "addressResult": {"approved": False, "message": "address validation failed"},
        "sendDenyNotification": {"statusCode": 200},
    }
    notes = wait_for(lambda: _notifications(sqs, signup["inbox"]), "the denial notification")
    assert notes == [
        "Hello John, your application has been denied because validation of provided data failed"
    ]
    # The denial is published after where an approval would have stored and queued: nothing.
    assert "Item" not in ddb.get_item(
        TableName=signup["table"], Key={"PK": {"S": "john@example.com"}}
    )
    assert "Messages" not in sqs.receive_message(QueueUrl=signup["interests"])


def test_one_failed_check_is_enough_to_deny(signup, client_factory):
    sfn = client_factory("stepfunctions", inject_host_prefix=False)
    sqs = client_factory("sqs")
    payload = copy.deepcopy(PAYLOAD)
    payload["data"]["firstname"] = "Ann"
    payload["data"]["identity"]["email"] = "ann@example.com"
    del payload["data"]["address"]["zip"]
    execution = sfn.start_execution(stateMachineArn=signup["standard"], input=json.dumps(payload))[
        "executionArn"
    ]
    out = wait_done(sfn, execution)
    assert out["status"] == "SUCCEEDED", out
    results = output(out)
    assert results["identityResult"]["approved"] is True
    assert results["addressResult"]["approved"] is False
    assert "accountAddition" not in results
    assert len(entered(history(sfn, execution), "Deny Message")) == 1
    notes = wait_for(lambda: _notifications(sqs, signup["inbox"]), "the denial notification")
    assert notes == [
        "Hello Ann, your application has been denied because validation of provided data failed"
    ]


def test_the_posts_unquoted_filter_selects_the_home_interests(client_factory):
    sfn = client_factory("stepfunctions", inject_host_prefix=False)
    definition = {
        "StartAt": "Home Insurance Interests",
        "States": {
            "Home Insurance Interests": {
                "Type": "Pass",
                "InputPath": "$..interests[?(@.category==home)]",
                "End": True,
            }
        },
    }
    arn = sfn.create_state_machine(
        name=unique("signup-filter"),
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::000000000000:role/signup-filter",
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(PAYLOAD))
    out = wait_done(sfn, execution["executionArn"])
    assert output(out) == [i for i in PAYLOAD["data"]["interests"] if i["category"] == "home"]
