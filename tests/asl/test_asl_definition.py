"""Definitions that cannot work are refused up front, naming the state and field."""

from __future__ import annotations

import pytest

from strato.asl import InvalidDefinition, parse_definition


def machine(**states):
    return {"StartAt": next(iter(states)), "States": states}


PASS_END = {"Type": "Pass", "End": True}


@pytest.mark.parametrize(
    "definition, fragment",
    [
        (machine(A={"Type": "Pass", "Next": "B"}), "Missing 'Next' target: B at /States/A/Next"),
        (machine(A=PASS_END, B=PASS_END), "UNREACHABLE_STATE: State 'B' is not reachable"),
        (machine(A={"Type": "Pass"}), "No transition found at /States/A"),
        (
            machine(A={"Type": "Pass", "Next": "A", "End": True}),
            "'End' and 'Next' are mutually exclusive at /States/A",
        ),
        (machine(A={"Type": "Bogus"}), "at /States/A/Type"),
        (
            machine(A={"Type": "Pass", "InputPath": "foo", "End": True}),
            "'InputPath' must be a valid JSONPath at /States/A/InputPath",
        ),
        (
            machine(A={"Type": "Pass", "Parameters": {"x.$": "nope"}, "End": True}),
            "'x.$' must be a valid JSONPath or a valid intrinsic function call",
        ),
        (
            machine(A={"Type": "Pass", "Parameters": {"x.$": "States.Format('a'"}, "End": True}),
            "at /States/A/Parameters/x.$",
        ),
        (
            machine(
                A={"Type": "Choice", "Choices": [{"Variable": "$.x", "Next": "B"}]}, B=PASS_END
            ),
            "A Choice rule needs a Variable and one comparison operator at /States/A/Choices[0]",
        ),
        (
            machine(
                A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "Z"}]}
            ),
            "Missing 'Next' target: Z at /States/A/Choices[0]/Next",
        ),
        (machine(A={"Type": "Wait", "End": True}), "needs exactly one of Seconds"),
        (machine(A={"Type": "Task", "End": True}), "'Resource' is required at /States/A"),
        (
            machine(A={"Type": "Map", "End": True}),
            "The field 'ItemProcessor' is required at /States/A",
        ),
        (
            machine(
                A={
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "X", "States": {"Y": PASS_END}}],
                    "End": True,
                }
            ),
            "Missing 'Next' target: X at /States/A/Branches[0]/StartAt",
        ),
        (
            machine(A={"Type": "Pass", "QueryLanguage": "JSONata", "InputPath": "$", "End": True}),
            "'InputPath' is not supported when QueryLanguage is JSONata",
        ),
        (
            machine(A={"Type": "Pass", "Output": {}, "End": True}),
            "'Output' is only supported when QueryLanguage is JSONata",
        ),
        ("{not json", "INVALID_JSON_DESCRIPTION"),
        ({"States": {"A": PASS_END}}, "The field 'StartAt' is required"),
    ],
)
def test_invalid_definitions(definition, fragment):
    with pytest.raises(InvalidDefinition) as info:
        parse_definition(definition)
    message = str(info.value)
    assert message.startswith("Invalid State Machine Definition: '")
    assert fragment in message


def test_every_problem_is_reported_at_once():
    definition = machine(A={"Type": "Pass", "Next": "B"}, C={"Type": "Pass"})
    with pytest.raises(InvalidDefinition) as info:
        parse_definition(definition)
    message = str(info.value)
    assert "Missing 'Next' target: B" in message
    assert "No transition found at /States/C" in message
    assert "State 'C' is not reachable" in message


def test_a_valid_definition_parses_into_states():
    sm = parse_definition(
        '{"StartAt": "A", "QueryLanguage": "JSONata", "States": {"A": {"Type": "Map",'
        ' "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}, "End": true}}}'
    )
    state = sm.states["A"]
    assert state.type == "Map" and state.end and state.jsonata
    assert state.processor.states["I"].type == "Succeed"
    assert state.processor.query_language == "JSONata"
