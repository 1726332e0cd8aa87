"""SFN_MOCK_CONFIG on a private server: `arn#TestCase` picks mocked answers per state."""

from __future__ import annotations

import json

import boto3
from botocore.config import Config
from sfn_helpers import ROLE, history_types, wait_status

from strato_server import StratoProcess

MOCKS = {
    "StateMachines": {
        "Jobs": {
            "TestCases": {
                "HappyPath": {"Submit": "SubmitOk"},
                "RetryPath": {"Submit": "FailThenOk"},
            }
        }
    },
    "MockedResponses": {
        "SubmitOk": {"0": {"Return": {"JobId": "job-1", "Status": "SUCCEEDED"}}},
        "FailThenOk": {
            "0": {"Throw": {"Error": "Batch.AWSBatchException", "Cause": "busy"}},
            "1": {"Return": {"JobId": "job-2"}},
        },
    },
}

DEFINITION = {
    "StartAt": "Submit",
    "States": {
        "Submit": {
            "Type": "Task",
            "Resource": "arn:aws:states:::batch:submitJob.sync",
            "Parameters": {"JobName": "j", "JobQueue": "q", "JobDefinition": "d"},
            "Retry": [{"ErrorEquals": ["Batch.AWSBatchException"], "IntervalSeconds": 0}],
            "ResultSelector": {"id.$": "$.JobId"},
            "End": True,
        }
    },
}


def test_mocked_states_answer_per_test_case(tmp_path):
    mock_file = tmp_path / "mocks.json"
    mock_file.write_text(json.dumps(MOCKS))
    server = StratoProcess(str(tmp_path / "state"), env={"SFN_MOCK_CONFIG": str(mock_file)})
    server.start()
    try:
        sfn = boto3.client(
            "stepfunctions",
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}, inject_host_prefix=False),
        )
        arn = sfn.create_state_machine(
            name="Jobs", definition=json.dumps(DEFINITION), roleArn=ROLE
        )["stateMachineArn"]
        happy = sfn.start_execution(stateMachineArn=f"{arn}#HappyPath")["executionArn"]
        out = wait_status(sfn, happy)
        assert out["status"] == "SUCCEEDED"
        assert json.loads(out["output"]) == {"id": "job-1"}

        retried = sfn.start_execution(stateMachineArn=f"{arn}#RetryPath")["executionArn"]
        out = wait_status(sfn, retried)
        assert out["status"] == "SUCCEEDED", out
        assert json.loads(out["output"]) == {"id": "job-2"}
        assert history_types(sfn, retried).count("TaskFailed") == 1

        unmocked = sfn.start_execution(stateMachineArn=arn)["executionArn"]
        assert wait_status(sfn, unmocked)["status"] == "FAILED"  # batch is not hosted
    finally:
        server.stop()
