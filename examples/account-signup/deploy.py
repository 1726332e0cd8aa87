#!/usr/bin/env python3
"""Deploy the account signup service: a Step Functions workflow steered by JSONPath.

    strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \\
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/account-signup/deploy.py --email you@example.com

Plain boto3: without AWS_ENDPOINT_URL it deploys to AWS. Rerunning it updates what is there.
It deploys the workflow twice from one definition: `<name>` as a Standard workflow and
`<name>-express` as an Express workflow for StartSyncExecution.
"""

from __future__ import annotations

import argparse
import os
import sys

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from lambda_deploy import (  # noqa: E402
    asl_definition,
    deploy_function,
    deploy_state_machine,
    ensure_table,
    execution_role,
    folder_zip,
    state_machine_role,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="account-signup", help="prefix of every resource name")
    parser.add_argument("--email", help="subscribe this address to the customer notifications")
    args = parser.parse_args()
    session = boto3.Session()
    lam, sqs, sns = (session.client(s) for s in ("lambda", "sqs", "sns"))

    table = f"{args.name}-accounts"
    table_arn = ensure_table(session.client("dynamodb"), table, "PK")
    queue_url = sqs.create_queue(QueueName=f"{args.name}-home-insurance-interests")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    print(f"queue {queue_url}")
    topic_arn = sns.create_topic(Name=f"{args.name}-customer-notifications")["TopicArn"]
    print(f"topic {topic_arn}")
    if args.email:
        sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint=args.email)
        print(f"subscribed {args.email}: confirm the subscription from the email SNS sends")

    function_role = execution_role(session, f"{args.name}-functions", [])
    functions = {}
    for check in ("identity", "address"):
        functions[check] = deploy_function(
            lam,
            f"{args.name}-check-{check}",
            folder_zip(os.path.join(HERE, "functions", f"check-{check}")),
            Runtime="python3.12",
            Handler="app.lambda_handler",
            Role=function_role,
            Timeout=10,
            Description=f"Account signup: check the applicant's {check}",
        )

    workflow_role = state_machine_role(
        session,
        f"{args.name}-workflow",
        [
            {
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Resource": list(functions.values()),
            },
            {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": table_arn},
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn},
            {"Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn},
        ],
    )
    definition = asl_definition(
        os.path.join(HERE, "statemachine", "account_signup.asl.json"),
        {
            "CheckIdentityFunctionArn": functions["identity"],
            "CheckAddressFunctionArn": functions["address"],
            "AccountsTable": table,
            "HomeInsuranceInterestQueueUrl": queue_url,
            "SendCustomerNotificationSNSTopicArn": topic_arn,
        },
    )
    sfn = session.client("stepfunctions")
    standard = deploy_state_machine(sfn, args.name, definition, workflow_role)
    express = deploy_state_machine(
        sfn, f"{args.name}-express", definition, workflow_role, "EXPRESS"
    )
    print(f"state machine {standard}")
    print(f"express state machine {express}")
    payload = os.path.join(HERE, "sample_payload.json")
    print("try it:")
    print(
        f"  aws stepfunctions start-execution --state-machine-arn {standard} "
        f"--input file://{payload}"
    )
    print(
        f"  aws stepfunctions start-sync-execution --state-machine-arn {express} "
        f"--input file://{payload}"
    )
    print(f"  aws dynamodb scan --table-name {table}")
    print(f"  aws sqs receive-message --queue-url {queue_url}")


if __name__ == "__main__":
    main()
