#!/usr/bin/env python3
"""Deploy dynamic SNS subscriptions: task state changes give each running task its own queue.

    strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/dynamic-sns-subscriptions/deploy.py

Plain boto3: without AWS_ENDPOINT_URL it deploys to AWS. Rerunning it updates what is there.
The rules match `source: aws.ecs` as in the post. Only ECS may send events with an `aws.*`
source, so to drive the rules yourself with PutEvents, deploy with `--event-source` set to
a source of your own (for example `example.ecs`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from lambda_deploy import (  # noqa: E402
    allow_invoke,
    deploy_function,
    ensure_table,
    execution_role,
    folder_zip,
)

DETAIL_TYPE = "ECS Task State Change"


def task_rule(events, name: str, source: str, status: str, function_arn: str) -> str:
    """The post's rule: task state changes whose desired and last status are `status`."""
    pattern = {
        "source": [source],
        "detail-type": [DETAIL_TYPE],
        "detail": {"desiredStatus": [status], "lastStatus": [status]},
    }
    arn = events.put_rule(Name=name, EventPattern=json.dumps(pattern), State="ENABLED")["RuleArn"]
    events.put_targets(Rule=name, Targets=[{"Id": "function", "Arn": function_arn}])
    print(f"rule {name}: {json.dumps(pattern)}")
    return arn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="dynamic-subs", help="prefix of every resource name")
    parser.add_argument("--event-source", default="aws.ecs", help="source the rules match")
    parser.add_argument("--role-arn", help="an existing execution role to use")
    args = parser.parse_args()
    session = boto3.Session()
    lam = session.client("lambda")
    events = session.client("events")

    topic_arn = session.client("sns").create_topic(Name=f"{args.name}-topic")["TopicArn"]
    print(f"topic {topic_arn}")
    table = f"{args.name}-sqs-container-mapping"
    table_arn = ensure_table(session.client("dynamodb"), table, "id")

    role = args.role_arn or execution_role(
        session,
        f"{args.name}-role",
        [
            {
                "Effect": "Allow",
                "Action": [
                    "sqs:CreateQueue",
                    "sqs:GetQueueUrl",
                    "sqs:GetQueueAttributes",
                    "sqs:SetQueueAttributes",
                    "sqs:DeleteQueue",
                ],
                "Resource": "*",  # the queues are named after tasks not started yet
            },
            {
                "Effect": "Allow",
                "Action": ["sns:Subscribe", "sns:Unsubscribe"],
                "Resource": topic_arn,
            },
            {
                "Effect": "Allow",
                "Action": ["dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:DeleteItem"],
                "Resource": table_arn,
            },
        ],
    )
    variables = {"SQS_CONTAINER_MAPPING_TABLE": table, "TOPIC_ARN": topic_arn}
    for function, status, what in (
        ("subscribe", "RUNNING", "creates a queue for a started task and subscribes it"),
        ("cleanup", "STOPPED", "removes a stopped task's subscription and queue"),
    ):
        name = f"{args.name}-{function}"
        arn = deploy_function(
            lam,
            name,
            folder_zip(os.path.join(HERE, "functions", function)),
            Runtime="python3.12",
            Handler="app.lambda_handler",
            Role=role,
            Timeout=30,
            Description=f"Dynamic SNS subscriptions: {what}",
            Environment={"Variables": variables},
        )
        rule_arn = task_rule(
            events, f"{args.name}-task-{status.lower()}", args.event_source, status, arn
        )
        allow_invoke(lam, name, "task-state-change", "events.amazonaws.com", rule_arn)

    print("try it:")
    entry = {
        "Source": args.event_source,
        "DetailType": DETAIL_TYPE,
        "Detail": json.dumps(
            {
                "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/demo/0123456789abcdef",
                "desiredStatus": "RUNNING",
                "lastStatus": "RUNNING",
            }
        ),
    }
    print(f"  aws events put-events --entries '{json.dumps([entry])}'")
    print(f"  aws sns publish --topic-arn {topic_arn} --message hello")
    print(
        "  aws sqs receive-message --queue-url $(aws sqs get-queue-url --queue-name "
        "0123456789abcdef --query QueueUrl --output text)"
    )


if __name__ == "__main__":
    main()
