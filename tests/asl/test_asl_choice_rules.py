"""Choice rules beyond the recorded cases: StringMatches escapes, timestamps, paths,
and properties that must hold for any input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strato.asl import choice
from strato.asl.errors import ExecutionError
from strato.asl.payload import Scope


def holds(rule: dict, data, variables=None) -> bool:
    return choice.evaluate(rule, Scope(data, {"Execution": {"Name": "n"}}, variables or {}))


@pytest.mark.parametrize(
    "pattern, value, expected",
    [
        ("log-*.txt", "log-2024.txt", True),
        ("log-*.txt", "log-.txt", True),
        ("log-*.txt", "log-1.json", False),
        ("*", "", True),
        (r"a\*b", "a*b", True),
        (r"a\*b", "axb", False),
        (r"a\\*", "a\\anything", True),
        ("a.c", "abc", False),  # only * is special
        ("multi\nline*", "multi\nline and more", True),
    ],
)
def test_string_matches(pattern, value, expected):
    assert holds({"Variable": "$.v", "StringMatches": pattern}, {"v": value}) is expected


@pytest.mark.parametrize(
    "op, a, b, expected",
    [
        ("TimestampEquals", "2024-01-01T00:00:00Z", "2024-01-01T01:00:00+01:00", True),
        ("TimestampLessThan", "2024-01-01T00:00:00.5Z", "2024-01-01T00:00:01Z", True),
        ("TimestampGreaterThanEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", True),
        ("TimestampEquals", "2024-01-01", "2024-01-01", False),  # not a timestamp: false
        ("NumericEquals", 1, 1.0, True),
        ("NumericEquals", True, 1, False),  # booleans are not numbers
        ("StringLessThan", "a", "b", True),
        ("StringEquals", 1, "1", False),
        ("BooleanEquals", 0, False, False),
    ],
)
def test_typed_comparisons(op, a, b, expected):
    assert holds({"Variable": "$.a", op: b}, {"a": a}) is expected
    assert holds({"Variable": "$.a", f"{op}Path": "$.b"}, {"a": a, "b": b}) is expected


@pytest.mark.parametrize(
    "op, value, expected",
    [
        ("IsNull", None, True),
        ("IsNumeric", 1.5, True),
        ("IsNumeric", "1", False),
        ("IsString", "", True),
        ("IsBoolean", False, True),
        ("IsTimestamp", "2016-03-14T01:59:00Z", True),
        ("IsTimestamp", "2016-03-14 01:59:00Z", False),
    ],
)
def test_type_tests(op, value, expected):
    assert holds({"Variable": "$.v", op: True}, {"v": value}) is expected
    assert holds({"Variable": "$.v", op: False}, {"v": value}) is (not expected)


def test_is_present_and_missing_variables():
    assert holds({"Variable": "$.nope", "IsPresent": False}, {})
    assert not holds({"Variable": "$.nope", "IsPresent": True}, {})
    with pytest.raises(ExecutionError) as info:
        holds({"Variable": "$.nope", "StringEquals": "x"}, {})
    assert info.value.error == "States.Runtime"


def test_context_and_variable_paths():
    assert holds({"Variable": "$$.Execution.Name", "StringEquals": "n"}, {})
    assert (
        holds({"Variable": "$guess", "StringEqualsPath": "$answer"}, {}, {"guess": 1, "answer": 1})
        is False
    )
    assert holds(
        {"Variable": "$guess", "NumericEqualsPath": "$answer"}, {}, {"guess": 1, "answer": 1}
    )


def test_and_or_not_nest():
    rule = {
        "And": [
            {"Not": {"Variable": "$.type", "StringEquals": "Private"}},
            {
                "Or": [
                    {"Variable": "$.v", "NumericLessThan": 0},
                    {"Variable": "$.v", "NumericGreaterThan": 9},
                ]
            },
        ]
    }
    assert holds(rule, {"type": "Public", "v": 10})
    assert not holds(rule, {"type": "Public", "v": 5})
    assert not holds(rule, {"type": "Private", "v": 10})


numbers = st.integers(-1000, 1000) | st.floats(-1e6, 1e6, allow_nan=False)


@given(numbers, numbers)
def test_numeric_operators_agree_with_arithmetic(a, b):
    data = {"a": a, "b": b}
    for op, want in [
        ("NumericEqualsPath", a == b),
        ("NumericLessThanPath", a < b),
        ("NumericGreaterThanPath", a > b),
        ("NumericLessThanEqualsPath", a <= b),
        ("NumericGreaterThanEqualsPath", a >= b),
    ]:
        assert holds({"Variable": "$.a", op: "$.b"}, data) is want


@given(st.text(alphabet="ab*\\", max_size=6), st.text(alphabet="ab*", max_size=6))
def test_a_pattern_without_wildcards_is_string_equality(prefix, value):
    literal = prefix.replace("\\", "").replace("*", "")
    assert holds({"Variable": "$.v", "StringMatches": literal}, {"v": value}) is (literal == value)


@given(st.text(alphabet="xyz", max_size=8), st.text(alphabet="xyz", max_size=8))
def test_star_matches_any_suffix(head, tail):
    assert holds({"Variable": "$.v", "StringMatches": head + "*"}, {"v": head + tail})
