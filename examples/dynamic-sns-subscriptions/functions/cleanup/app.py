"""The cleanup service: a task stopped, so remove its subscription, its queue and its record.

Triggered by the EventBridge rule on "ECS Task State Change" events with lastStatus STOPPED.
"""

from __future__ import annotations

import json
import os

import boto3

sqs_client = boto3.client("sqs")
sns = boto3.client("sns")
dynamodb = boto3.client("dynamodb")

SQS_CONTAINER_MAPPING_TABLE = os.environ["SQS_CONTAINER_MAPPING_TABLE"]


def lambda_handler(event, context):
    print(json.dumps(event))
    taskArn = event["detail"]["taskArn"]
    taskArnTokens = taskArn.split("/")
    taskId = taskArnTokens[len(taskArnTokens) - 1].strip()

    ddbresponse = dynamodb.get_item(
        TableName=SQS_CONTAINER_MAPPING_TABLE, Key={"id": {"S": taskId}}
    )
    item = ddbresponse.get("Item")
    if item is None:
        print(f"task {taskId}: no subscription recorded, nothing to clean up")
        return None
    subscription_arn = item["SubscriptionArn"]["S"]
    snsresp = sns.unsubscribe(SubscriptionArn=subscription_arn)

    queue_url = sqs_client.get_queue_url(QueueName=taskId)["QueueUrl"]
    queuedelresp = sqs_client.delete_queue(QueueUrl=queue_url)

    dynamodb.delete_item(TableName=SQS_CONTAINER_MAPPING_TABLE, Key={"id": {"S": taskId}})
    print(f"task {taskId}: unsubscribed {subscription_arn} and deleted queue {queue_url}")
    return {
        "unsubscribe": snsresp["ResponseMetadata"]["HTTPStatusCode"],
        "delete_queue": queuedelresp["ResponseMetadata"]["HTTPStatusCode"],
    }
