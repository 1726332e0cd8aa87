"""State data flow in both query languages: InputPath, Parameters, ResultSelector,
ResultPath, OutputPath, Assign; Arguments, Output and `{% %}` in JSONata."""

from __future__ import annotations

import pytest

from strato.asl import Execution, MockIntegrations

FN = "arn:aws:states:::lambda:invoke"
INPUT = {"a": {"b": 1}, "list": [1, 2], "s": "x"}


def run_state(state: dict, data=INPUT, result=None, language=None):
    definition = {"StartAt": "S", "States": {"S": {**state, "End": True}}}
    if language:
        definition["QueryLanguage"] = language
    ex = Execution(definition, data, integrations=MockIntegrations({FN: result}))
    ex.run()
    return ex


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({}, INPUT),
        ({"InputPath": "$.a"}, {"b": 1}),
        ({"InputPath": None}, {}),
        ({"OutputPath": None}, {}),
        ({"OutputPath": "$.list[1]"}, 2),
        ({"Result": {"r": 1}, "ResultPath": None}, INPUT),
        ({"Result": 5, "ResultPath": "$.a.c"}, {**INPUT, "a": {"b": 1, "c": 5}}),
        ({"Result": {"k.$": "$.a"}}, {"k.$": "$.a"}),  # `.$` in Result stays literal
        ({"Parameters": {"k.$": "$.a.b", "lit": [{"x.$": "$.s"}]}}, {"k": 1, "lit": [{"x": "x"}]}),
        ({"Parameters": {"ctx.$": "$$.State.Name"}}, {"ctx": "S"}),
        (
            {"InputPath": "$.a", "Parameters": {"v.$": "$.b"}, "ResultPath": "$.out"},
            {**INPUT, "out": {"v": 1}},
        ),
    ],
)
def test_pass_jsonpath(fields, expected):
    ex = run_state({"Type": "Pass", **fields})
    assert ex.status == "SUCCEEDED", ex.cause
    assert ex.output == expected


def test_task_result_selector_sees_only_the_result():
    ex = run_state(
        {
            "Type": "Task",
            "Resource": FN,
            "ResultSelector": {"code.$": "$.StatusCode", "orig.$": "$$.Execution.Input.s"},
            "ResultPath": "$.r",
        },
        result={"StatusCode": 200, "Payload": {}},
    )
    assert ex.output == {**INPUT, "r": {"code": 200, "orig": "x"}}


@pytest.mark.parametrize(
    "fields, error, fragment",
    [
        ({"InputPath": "$.missing"}, "States.Runtime", "Invalid path '$.missing'"),
        ({"OutputPath": "$.missing"}, "States.Runtime", "No results for path: $['missing']"),
        ({"Parameters": {"x.$": "$.nope"}}, "States.Runtime", "for the field 'x.$' could not"),
        ({"Result": 1, "ResultPath": "$.s.deeper"}, "States.ResultPathMatchFailure", "$.s.deeper"),
    ],
)
def test_path_failures(fields, error, fragment):
    ex = run_state({"Type": "Pass", **fields})
    assert ex.status == "FAILED"
    assert ex.error == error
    assert fragment in ex.cause
    assert ex.cause.startswith("An error occurred while executing the state 'S' (entered at")


def test_assign_sees_old_values_and_the_state_result():
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "B"},
            "B": {
                "Type": "Pass",
                "Result": {"r": 10},
                "Assign": {"x.$": "$y", "y.$": "$x", "r.$": "$.r"},
                "Next": "C",
            },
            "C": {
                "Type": "Pass",
                "Parameters": {"x.$": "$x", "y.$": "$y", "r.$": "$r"},
                "End": True,
            },
        },
    }
    ex = Execution(definition, {})
    ex.run()
    assert ex.output == {"x": 2, "y": 1, "r": 10}
    exited = [e for e in ex.events if e["type"] == "PassStateExited"][1]
    assert exited["stateExitedEventDetails"]["assignedVariables"] == {
        "x": "2",
        "y": "1",
        "r": "10",
    }


def test_jsonata_arguments_output_and_defaults():
    ex = run_state(
        {
            "Type": "Task",
            "Resource": FN,
            "Arguments": {"n": "{% $count($states.input.list) %}", "const": "{not an expr}"},
            "Output": {"got": "{% $states.result.v %}", "in": "{% $states.input.s %}"},
        },
        result={"v": 7},
        language="JSONata",
    )
    assert ex.output == {"got": 7, "in": "x"}
    ex = run_state({"Type": "Task", "Resource": FN}, result={"v": 7}, language="JSONata")
    assert ex.output == {"v": 7}, "a JSONata Task outputs its result by default"
    ex = run_state({"Type": "Pass"}, language="JSONata")
    assert ex.output == INPUT


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("{% $partition([1,2,3,4,5], 2) %}", [[1, 2], [3, 4], [5]]),
        ("{% $range(0, 10, 5) %}", [0, 5, 10]),
        ("{% $hash('input data', 'MD5') %}", "812f45842bc6d66ee14572ce20db8e86"),
        ("{% $parse('{\"a\": [1]}') %}", {"a": [1]}),
        ("{% $string($states.input.a) %}", '{"b":1}'),
        ("{% null %}", None),
        ("{% $states.input.list[0] = 1 ? 'yes' : 'no' %}", "yes"),
    ],
)
def test_jsonata_functions(expr, expected):
    ex = run_state({"Type": "Pass", "Output": expr}, language="JSONata")
    assert ex.status == "SUCCEEDED", ex.cause
    assert ex.output == expected


def test_jsonata_errors_are_query_evaluation_errors_with_an_evaluation_failed_event():
    ex = run_state({"Type": "Pass", "Output": {"x": "{% $nothing %}"}}, language="JSONata")
    assert ex.status == "FAILED"
    assert ex.error == "States.QueryEvaluationError"
    assert "'Output/x' returned nothing (undefined)" in ex.cause
    failed = next(e for e in ex.events if e["type"] == "EvaluationFailed")
    details = failed["evaluationFailedEventDetails"]
    assert details["location"] == "Output/x" and details["state"] == "S"

    ex = run_state({"Type": "Pass", "Output": "{% $notAFunction(1) %}"}, language="JSONata")
    assert ex.error == "States.QueryEvaluationError"
    assert "threw an error during evaluation" in ex.cause
