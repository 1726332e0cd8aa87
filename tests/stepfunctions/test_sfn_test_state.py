"""TestState: one state on its own, with mocks, retries, catches and inspection data."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import ROLE

TASK = "arn:aws:states:::lambda:invoke"


def test_state(sfn, state: dict, input_value=None, **kwargs) -> dict:
    out = sfn.test_state(
        definition=json.dumps(state),
        roleArn=ROLE,
        input=json.dumps(input_value if input_value is not None else {}),
        **kwargs,
    )
    out.pop("ResponseMetadata")
    return out


test_state.__test__ = False  # a helper, not a test


def test_pass_with_inspection(sfn):
    state = {
        "Type": "Pass",
        "InputPath": "$.order",
        "Parameters": {"id.$": "$.id", "kind": "pass"},
        "Next": "Ship",
    }
    out = test_state(sfn, state, {"order": {"id": 7}}, inspectionLevel="DEBUG")
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == {"id": 7, "kind": "pass"}
    assert out["nextState"] == "Ship"
    data = out["inspectionData"]
    assert json.loads(data["input"]) == {"order": {"id": 7}}
    assert json.loads(data["afterInputPath"]) == {"id": 7}
    assert json.loads(data["afterParameters"]) == {"id": 7, "kind": "pass"}


def test_choice_picks_the_next_state(sfn):
    state = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}],
        "Default": "Small",
    }
    assert test_state(sfn, state, {"n": 11})["nextState"] == "Big"
    assert test_state(sfn, state, {"n": 1})["nextState"] == "Small"


def test_wait_does_not_wait(sfn):
    out = test_state(sfn, {"Type": "Wait", "Seconds": 86400, "End": True}, {"a": 1})
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == {"a": 1}
    assert "nextState" not in out


def test_task_with_a_mocked_result(sfn):
    state = {
        "Type": "Task",
        "Resource": TASK,
        "Parameters": {"FunctionName": "nowhere"},
        "ResultSelector": {"body.$": "$.Payload"},
        "ResultPath": "$.answer",
        "End": True,
    }
    out = test_state(
        sfn,
        state,
        {"keep": True},
        mock={"result": json.dumps({"Payload": "hi"})},
        inspectionLevel="DEBUG",
    )
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == {"keep": True, "answer": {"body": "hi"}}
    data = out["inspectionData"]
    assert json.loads(data["result"]) == {"Payload": "hi"}
    assert json.loads(data["afterResultSelector"]) == {"body": "hi"}
    assert json.loads(data["afterResultPath"]) == {"keep": True, "answer": {"body": "hi"}}


def test_task_errors_retriable_caught_failed(sfn):
    failure = {"errorOutput": {"error": "Lambda.TooManyRequestsException", "cause": "slow down"}}
    base = {"Type": "Task", "Resource": TASK, "Parameters": {"FunctionName": "f"}, "End": True}
    retried = {
        **base,
        "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 2}],
    }
    out = test_state(sfn, retried, mock=failure)
    assert (out["status"], out["error"], out["cause"]) == (
        "RETRIABLE",
        "Lambda.TooManyRequestsException",
        "slow down",
    )
    exhausted = test_state(sfn, retried, mock=failure, stateConfiguration={"retrierRetryCount": 2})
    assert exhausted["status"] == "FAILED"

    caught = {
        **base,
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handle"}],
    }
    out = test_state(sfn, caught, {"a": 1}, mock=failure)
    assert out["status"] == "CAUGHT_ERROR"
    assert out["nextState"] == "Handle"
    assert json.loads(out["output"]) == {
        "a": 1,
        "err": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"},
    }

    out = test_state(sfn, base, mock=failure)
    assert (out["status"], out["error"]) == ("FAILED", "Lambda.TooManyRequestsException")


def test_fail_state_and_bad_definitions(sfn):
    out = test_state(sfn, {"Type": "Fail", "Error": "Nope", "Cause": "because"})
    assert (out["status"], out["error"], out["cause"]) == ("FAILED", "Nope", "because")
    with pytest.raises(ClientError) as e:
        test_state(sfn, {"Type": "Bogus", "End": True})
    assert e.value.response["Error"]["Code"] == "InvalidDefinition"
    with pytest.raises(ClientError) as e:
        sfn.test_state(
            definition=json.dumps({"Type": "Pass", "End": True}), roleArn=ROLE, input="{x"
        )
    assert e.value.response["Error"]["Code"] == "InvalidExecutionInput"


def test_a_state_of_a_whole_machine(sfn):
    machine = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Pass", "Result": "from B", "End": True},
        },
    }
    out = sfn.test_state(definition=json.dumps(machine), stateName="B", input="{}")
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == "from B"
