"""examples/dynamic-sns-subscriptions: a queue per running task, subscribed to the topic."""

from __future__ import annotations

import json
import uuid

from example_helpers import unique, wait_for

SOURCE = "example.ecs"  # PutEvents may not use aws.* sources; the rules match this one


def _task_event(task_arn: str, status: str) -> dict:
    return {
        "Source": SOURCE,
        "DetailType": "ECS Task State Change",
        "Detail": json.dumps(
            {
                "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/demo",
                "taskArn": task_arn,
                "desiredStatus": status,
                "lastStatus": status,
                "group": "service:demo",
            }
        ),
    }


def _queue_url(sqs, name: str) -> str | None:
    try:
        return sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        return None


def _subscribed_endpoints(sns, topic_arn: str) -> list[str]:
    subs = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    return [s["Endpoint"] for s in subs]


def test_running_task_gets_a_subscribed_queue_and_stopping_removes_it(
    deploy_example, client_factory
):
    events, sns, sqs, ddb = (client_factory(s) for s in ("events", "sns", "sqs", "dynamodb"))
    name = unique("dynsubs")
    deploy_example(
        "dynamic-sns-subscriptions",
        name,
        "--event-source",
        SOURCE,
        functions=(f"{name}-subscribe", f"{name}-cleanup"),
    )
    topic_arn = sns.create_topic(Name=f"{name}-topic")["TopicArn"]  # idempotent: the same ARN
    table = f"{name}-sqs-container-mapping"
    task_id = uuid.uuid4().hex
    task_arn = f"arn:aws:ecs:us-east-1:123456789012:task/demo/{task_id}"

    out = events.put_events(Entries=[_task_event(task_arn, "RUNNING")])
    assert out["FailedEntryCount"] == 0
    # The function records the subscription last, so once the item is there all is set up.
    item = wait_for(
        lambda: ddb.get_item(TableName=table, Key={"id": {"S": task_id}}).get("Item"),
        "the task's subscription record in DynamoDB",
    )
    queue_url = _queue_url(sqs, task_id)
    assert queue_url is not None and item["QueueUrl"]["S"] == queue_url
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    subs = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"], s["SubscriptionArn"]) for s in subs] == [
        ("sqs", queue_arn, item["SubscriptionArn"]["S"])
    ]
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"])["Attributes"][
            "Policy"
        ]
    )
    assert policy["Statement"][0]["Condition"] == {"ArnEquals": {"aws:SourceArn": topic_arn}}

    # A message to the topic reaches the task's queue (the queue policy lets the topic in).
    sns.publish(TopicArn=topic_arn, Message="hello task", Subject="greeting")
    received = wait_for(
        lambda: sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages"),
        "the topic's message on the task's queue",
    )
    envelope = json.loads(received[0]["Body"])
    assert (envelope["Type"], envelope["TopicArn"], envelope["Message"]) == (
        "Notification",
        topic_arn,
        "hello task",
    )

    # The task stops: subscription, queue and record all go.
    out = events.put_events(Entries=[_task_event(task_arn, "STOPPED")])
    assert out["FailedEntryCount"] == 0
    wait_for(
        lambda: "Item" not in ddb.get_item(TableName=table, Key={"id": {"S": task_id}}),
        "the task's record to be deleted",
    )
    assert _queue_url(sqs, task_id) is None
    assert _subscribed_endpoints(sns, topic_arn) == []
