#!/usr/bin/env python3
"""Deploy the Amazon Forecast workflow: Step Functions calling Forecast through SDK integrations.

    SFN_MOCK_CONFIG=examples/forecast-workflow/MockConfigFile.json strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \\
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/forecast-workflow/deploy.py

Plain boto3: without AWS_ENDPOINT_URL it deploys to AWS. Rerunning it updates what is there.
Strato does not host Forecast; its Forecast calls are answered by the mock configuration,
whose test cases are written for a state machine named ForecastWorkflow (the default name).
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
    asl_definition,
    deploy_state_machine,
    ensure_bucket,
    state_machine_role,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="ForecastWorkflow", help="the state machine's name")
    parser.add_argument("--bucket", help="bucket for training data and results")
    args = parser.parse_args()
    session = boto3.Session()
    account = session.client("sts").get_caller_identity()["Account"]
    region = session.region_name or "us-east-1"

    # The post's bucket: <account>-<region>-sf-forecast-workflow
    bucket = args.bucket or f"{account}-{region}-sf-forecast-workflow"
    s3 = session.client("s3")
    ensure_bucket(s3, bucket)
    s3.upload_file(
        os.path.join(HERE, "data", "electricityusagedata.csv"),
        bucket,
        "train/electricityusagedata.csv",
    )
    print(f"uploaded s3://{bucket}/train/electricityusagedata.csv")

    forecast_role = state_machine_role(
        session,
        f"{args.name}-forecast-s3",
        [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            }
        ],
        service="forecast.amazonaws.com",
    )
    workflow_role = state_machine_role(
        session,
        f"{args.name}-states",
        [
            {"Effect": "Allow", "Action": "forecast:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": forecast_role},
        ],
    )
    definition = asl_definition(
        os.path.join(HERE, "statemachine", "forecast.asl.json"),
        {"DataBucket": bucket, "ForecastRoleArn": forecast_role},
    )
    arn = deploy_state_machine(
        session.client("stepfunctions"), args.name, definition, workflow_role
    )
    print(f"state machine {arn}")
    execution_input = json.dumps({"ProjectName": "household_energy_forecast"})
    print("try it (against Strato, pick a test case of MockConfigFile.json with #):")
    print(
        f"  aws stepfunctions start-execution --state-machine-arn '{arn}#PredictorStillTraining' "
        f"--input '{execution_input}'"
    )


if __name__ == "__main__":
    main()
