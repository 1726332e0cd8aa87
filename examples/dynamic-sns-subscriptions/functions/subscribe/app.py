"""The SNS-SQS subscription service: a task started, so give it a queue subscribed to the topic.

Triggered by the EventBridge rule on "ECS Task State Change" events with lastStatus RUNNING.
"""

from __future__ import annotations

import json
import os

import boto3

sqs_client = boto3.client("sqs")
sns = boto3.client("sns")
dynamodb = boto3.client("dynamodb")

SQS_CONTAINER_MAPPING_TABLE = os.environ["SQS_CONTAINER_MAPPING_TABLE"]
topic_arn = os.environ["TOPIC_ARN"]


def task_id_of(event: dict) -> str:
    # get the task id from the event
    taskArn = event["detail"]["taskArn"]
    taskArnTokens = taskArn.split("/")
    return taskArnTokens[len(taskArnTokens) - 1].strip()


def queue_policy(queue_arn: str) -> str:
    """Only this topic may send to the task's queue."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "topic-to-task-queue",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
    )


def lambda_handler(event, context):
    print(json.dumps(event))
    taskId = task_id_of(event)
    queue_name = taskId  # the container finds its queue by its own task id

    create_queue_resp = sqs_client.create_queue(QueueName=queue_name)
    queue_url = create_queue_resp["QueueUrl"]
    queue_arn = sqs_client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sqs_client.set_queue_attributes(
        QueueUrl=queue_url, Attributes={"Policy": queue_policy(queue_arn)}
    )

    response = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    subscription_arn = response["SubscriptionArn"]

    ddbresponse = dynamodb.update_item(
        TableName=SQS_CONTAINER_MAPPING_TABLE,
        Key={"id": {"S": taskId}},
        AttributeUpdates={
            "SubscriptionArn": {"Value": {"S": subscription_arn}},
            "QueueUrl": {"Value": {"S": queue_url}},
        },
        ReturnValues="UPDATED_NEW",
    )
    print(f"task {taskId}: queue {queue_url} subscribed as {subscription_arn}")
    return ddbresponse["Attributes"]
