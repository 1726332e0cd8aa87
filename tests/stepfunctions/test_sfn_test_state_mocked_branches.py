"""TestState on mocked Map and Parallel states, nested states and a given context."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import ROLE

PROCESSOR = {
    "ProcessorConfig": {"Mode": "INLINE"},
    "StartAt": "Item",
    "States": {"Item": {"Type": "Pass", "Result": "item", "End": True}},
}


def run(sfn, definition: dict, input_value=None, **kwargs) -> dict:
    out = sfn.test_state(
        definition=json.dumps(definition),
        roleArn=ROLE,
        input=json.dumps(input_value if input_value is not None else {}),
        **kwargs,
    )
    out.pop("ResponseMetadata")
    return out


def test_a_mocked_map_runs_no_iteration_and_takes_the_mock(sfn):
    state = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemProcessor": PROCESSOR,
        "ResultPath": "$.done",
        "Next": "After",
    }
    out = run(sfn, state, {"items": [1, 2]}, mock={"result": json.dumps(["a", "b", "c"])})
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == {"items": [1, 2], "done": ["a", "b", "c"]}
    assert out["nextState"] == "After"


def test_an_unmocked_map_still_runs_its_iterations(sfn):
    state = {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": PROCESSOR, "End": True}
    out = run(sfn, state, {"items": [1, 2]}, stateConfiguration={"mapIterationFailureCount": 2})
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == ["item", "item"]


def test_map_failures_over_the_tolerated_percentage_fail_the_state(sfn):
    state = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemProcessor": PROCESSOR,
        "ToleratedFailurePercentage": 50,
        "End": True,
    }
    mock = {"result": json.dumps([1, 1, 1, 1])}
    items = {"items": [1, 2, 3, 4]}
    within = run(sfn, state, items, mock=mock, stateConfiguration={"mapIterationFailureCount": 2})
    assert within["status"] == "SUCCEEDED"
    over = run(
        sfn,
        state,
        items,
        mock=mock,
        stateConfiguration={"mapIterationFailureCount": 3},
        inspectionLevel="DEBUG",
    )
    assert (over["status"], over["error"]) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    assert over["inspectionData"]["toleratedFailurePercentage"] == 50.0


def test_a_mocked_parallel_failure_is_caught(sfn):
    state = {
        "Type": "Parallel",
        "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Oops"}],
        "End": True,
    }
    out = run(
        sfn,
        state,
        {"a": 1},
        mock={"errorOutput": {"error": "Boom", "cause": "it broke"}},
        inspectionLevel="DEBUG",
    )
    assert (out["status"], out["error"], out["nextState"]) == ("CAUGHT_ERROR", "Boom", "Oops")
    assert json.loads(out["output"]) == {"a": 1, "err": {"Error": "Boom", "Cause": "it broke"}}
    assert out["inspectionData"]["errorDetails"] == {"catchIndex": 0}


def test_a_state_inside_a_parallel_branch_can_be_named(sfn):
    machine = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}}
                ],
                "End": True,
            }
        },
    }
    out = run(sfn, {**machine, "QueryLanguage": "JSONata"}, {"x": 1}, stateName="Inner")
    assert json.loads(out["output"]) == {"x": 1}
    with pytest.raises(ClientError) as e:
        run(sfn, machine, stateName="Nowhere")
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_the_context_object_defaults_to_an_express_execution_and_can_be_given(sfn):
    state = {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "End": True}
    ctx = json.loads(run(sfn, state)["output"])["ctx"]
    assert ":express:" in ctx["Execution"]["Id"]
    assert ctx["Execution"]["RoleArn"] == ROLE
    assert ctx["State"]["Name"] == "StateName"
    given = {"Execution": {"Name": "mine"}}
    out = run(sfn, state, context=json.dumps(given))
    assert json.loads(out["output"]) == {"ctx": given}
    with pytest.raises(ClientError) as e:
        run(sfn, state, context="[1]")
    assert e.value.response["Error"]["Code"] == "ValidationException"
