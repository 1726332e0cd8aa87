"""Task states that run Lambda functions, through the whole server (sandboxes included)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from sfn_helpers import create_machine, wait_status

LAMBDA_ROLE = "arn:aws:iam::000000000000:role/lambda-role"

DOUBLER = """
def handler(event, context):
    return {"doubled": event["n"] * 2}
"""

# Answers its own callback task, as a worker that got $$.Task.Token would.
CALLBACK = """
import json
import boto3

def handler(event, context):
    sfn = boto3.client("stepfunctions")
    sfn.send_task_success(taskToken=event["token"], output=json.dumps({"seen": event["n"]}))
    return {"ignored": True}
"""


def zipped(source: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", source)
    return buf.getvalue()


@pytest.fixture(scope="module")
def functions(client_factory):
    lam = client_factory("lambda", read_timeout=120)
    made = {}
    for key, source in (("doubler", DOUBLER), ("callback", CALLBACK)):
        name = f"sfn-{key}-{uuid.uuid4().hex[:8]}"
        made[key] = lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=LAMBDA_ROLE,
            Handler="app.handler",
            Code={"ZipFile": zipped(source)},
            Timeout=30,
        )["FunctionArn"]
    yield made
    for arn in made.values():
        lam.delete_function(FunctionName=arn)


def test_function_arn_and_lambda_invoke(sfn, functions):
    machine = create_machine(
        sfn,
        {
            "StartAt": "Plain",
            "States": {
                "Plain": {"Type": "Task", "Resource": functions["doubler"], "Next": "Optimised"},
                "Optimised": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {
                        "FunctionName": functions["doubler"],
                        "Payload": {"n.$": "$.doubled"},
                    },
                    "OutputPath": "$.Payload",
                    "End": True,
                },
            },
        },
    )
    run = sfn.start_execution(stateMachineArn=machine, input='{"n": 5}')["executionArn"]
    out = wait_status(sfn, run, timeout=60)
    assert out["status"] == "SUCCEEDED", out
    assert json.loads(out["output"]) == {"doubled": 20}


def test_lambda_wait_for_task_token(sfn, functions):
    machine = create_machine(
        sfn,
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {
                        "FunctionName": functions["callback"],
                        "Payload": {"token.$": "$$.Task.Token", "n.$": "$.n"},
                    },
                    "End": True,
                }
            },
        },
    )
    run = sfn.start_execution(stateMachineArn=machine, input='{"n": 9}')["executionArn"]
    out = wait_status(sfn, run, timeout=60)
    assert out["status"] == "SUCCEEDED", out
    assert json.loads(out["output"]) == {"seen": 9}
