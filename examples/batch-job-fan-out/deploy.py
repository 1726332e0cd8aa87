#!/usr/bin/env python3
"""Deploy the batch job fan-out: a Map state submitting AWS Batch jobs, SNS on the outcome.

    SFN_MOCK_CONFIG=examples/batch-job-fan-out/MockConfigFile.json strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \\
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/batch-job-fan-out/deploy.py

Plain boto3: without AWS_ENDPOINT_URL it deploys to AWS; pass the ARNs of an existing job
queue and job definition there (the post's sample provisions them with a compute
environment in a VPC). Strato does not host AWS Batch: its submitJob.sync calls are
answered by the mock configuration, whose test cases name the state machine BatchJobFanOut.
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
    execution_role,
    folder_zip,
    state_machine_role,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="BatchJobFanOut", help="the state machine's name")
    parser.add_argument("--job-queue", help="ARN of the Batch job queue")
    parser.add_argument("--job-definition", help="ARN of the Batch job definition")
    args = parser.parse_args()
    session = boto3.Session()
    account = session.client("sts").get_caller_identity()["Account"]
    region = session.region_name or "us-east-1"
    batch_arn = f"arn:aws:batch:{region}:{account}"
    job_queue = args.job_queue or f"{batch_arn}:job-queue/{args.name}-queue"
    job_definition = args.job_definition or f"{batch_arn}:job-definition/{args.name}-job:1"

    topic_arn = session.client("sns").create_topic(Name=f"{args.name}-notifications")["TopicArn"]
    print(f"topic {topic_arn}")
    function_arn = deploy_function(
        session.client("lambda"),
        f"{args.name}-generate-batch-job-input",
        folder_zip(os.path.join(HERE, "functions", "generate-batch-job-input")),
        Runtime="python3.12",
        Handler="app.lambda_handler",
        Role=execution_role(session, f"{args.name}-generator", []),
        Timeout=10,
        Description="Batch job fan-out: how many batch jobs to submit",
    )
    workflow_role = state_machine_role(
        session,
        f"{args.name}-workflow",
        [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": function_arn},
            {
                "Effect": "Allow",
                "Action": ["batch:SubmitJob", "batch:DescribeJobs", "batch:TerminateJob"],
                "Resource": "*",
            },
            {
                # submitJob.sync learns of the job's end through a managed rule.
                "Effect": "Allow",
                "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                "Resource": (
                    f"arn:aws:events:{region}:{account}:rule/StepFunctionsGetEventsForBatchJobsRule"
                ),
            },
            {"Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn},
        ],
    )
    definition = asl_definition(
        os.path.join(HERE, "statemachine", "batch_fan_out.asl.json"),
        {
            "GenerateBatchJobArn": function_arn,
            "JobQueueArn": job_queue,
            "JobDefinitionArn": job_definition,
            "NotificationTopicArn": topic_arn,
        },
    )
    arn = deploy_state_machine(
        session.client("stepfunctions"), args.name, definition, workflow_role
    )
    print(f"state machine {arn}")
    print("try it (against Strato, pick a test case of MockConfigFile.json with #):")
    print(
        f"  aws stepfunctions start-execution --state-machine-arn '{arn}#AllJobsSucceed' "
        "--input '{\"jobs\": 3}'"
    )


if __name__ == "__main__":
    main()
