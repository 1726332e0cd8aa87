"""States.* intrinsic functions: AWS's edge cases, parser, and failures in an execution."""

from __future__ import annotations

import re

import pytest

from strato.asl import Execution
from strato.asl import intrinsics as fn
from strato.asl.errors import IntrinsicError

INPUT = {"s": "a,b,,c", "arr": [1, 2, 3], "obj": {"Arg1": 1, "Arg2": []}, "n": None}


def run(expr: str, data=INPUT):
    return fn.evaluate(expr, lambda path: _read(path, data))


def _read(path, data):
    from strato.asl import jsonpath

    return jsonpath.evaluate(path, data)


@pytest.mark.parametrize(
    "expr, expected",
    [
        # MathAdd rounds each argument half-up first (Java Math.round).
        ("States.MathAdd(-1.5, 0)", -1),
        ("States.MathAdd(0.5, 0)", 1),
        ("States.MathAdd(-0.5, 0.5)", 1),
        ("States.MathAdd(-1.49, -1.5)", -2),
        ("States.MathAdd(2.5, 0)", 3),
        ("States.MathAdd(1111, -1)", 1110),
        # Format prints objects and arrays the Java way.
        ("States.Format('x={}', $.obj)", "x={Arg1=1, Arg2=[]}"),
        ("States.Format('{} {} {}', $.n, 1.1, true)", "null 1.1 true"),
        ("States.Format('{}', $.arr)", "[1, 2, 3]"),
        (r"States.Format('\{\} and {}', 'x')", "{} and x"),
        (r"States.Format('it\'s {}', 'ok')", "it's ok"),
        ("States.Format('none')", "none"),
        # StringSplit splits on each delimiter character and drops empty pieces.
        ("States.StringSplit($.s, ',')", ["a", "b", "c"]),
        ("States.StringSplit('a-b_c', '-_')", ["a", "b", "c"]),
        ("States.StringSplit('', ',')", []),
        ("States.StringToJson('')", None),
        ("States.StringToJson('{\"a\": [1, 2]}')", {"a": [1, 2]}),
        ("States.StringToJson('-0')", 0),
        ("States.JsonToString($.obj)", '{"Arg1":1,"Arg2":[]}'),
        ("States.JsonToString('x')", '"x"'),
        ("States.Array(1, 'two', $.arr, null)", [1, "two", [1, 2, 3], None]),
        ("States.Array()", []),
        ("States.ArrayPartition($.arr, 2)", [[1, 2], [3]]),
        ("States.ArrayPartition(States.Array(), 3)", []),
        ("States.ArrayContains($.arr, 2)", True),
        ("States.ArrayContains(States.Array(true, false), 1)", False),
        ("States.ArrayContains(States.Array($.arr), $.arr)", True),
        ("States.ArrayRange(0, 10, 3)", [0, 3, 6, 9]),
        ("States.ArrayRange(5, 1, -2)", [5, 3, 1]),
        ("States.ArrayRange(1, 9, 9)", [1]),
        ("States.ArrayGetItem($.arr, 2)", 3),
        ("States.ArrayLength($.arr)", 3),
        ("States.ArrayUnique(States.Array(1, 2, 1, true, 1))", [1, 2, True]),
        ("States.Base64Encode('Hello World')", "SGVsbG8gV29ybGQ="),
        ("States.Base64Decode('SGVsbG8gV29ybGQ=')", "Hello World"),
        ("States.Hash('input data', 'MD5')", "812f45842bc6d66ee14572ce20db8e86"),
        (
            "States.Hash('Hash this string', 'SHA-256')",
            "1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e",
        ),
        (
            "States.JsonMerge($.obj, States.StringToJson('{\"Arg1\": 2}'), false)",
            {"Arg1": 2, "Arg2": []},
        ),
        # Nested calls and whitespace.
        ("States.ArrayGetItem( States.StringSplit('a-b-c', '-') , States.MathAdd(1, 1) )", "c"),
    ],
)
def test_functions(expr, expected):
    assert run(expr) == expected


def test_uuid_and_random():
    assert re.fullmatch(r"[0-9a-f-]{36}", run("States.UUID()"))
    for _ in range(50):
        assert 1 <= run("States.MathRandom(1, 3)") < 3
    assert run("States.MathRandom(1, 1000, 7)") == run("States.MathRandom(1, 1000, 7)")


@pytest.mark.parametrize(
    "expr",
    [
        "States.Format('{} {}', 1)",
        "States.ArrayPartition($.arr, 0)",
        "States.ArrayRange(0, 10, 0)",
        "States.ArrayRange(0, 2000, 1)",
        "States.ArrayGetItem($.arr, 3)",
        "States.ArrayLength('x')",
        "States.Base64Decode('%%%')",
        "States.Hash('x', 'SHA-3')",
        "States.JsonMerge($.obj, $.obj, true)",
        "States.MathAdd('1', 2)",
        "States.MathRandom(5, 1)",
        "States.StringToJson('{bad')",
        "States.UUID(1)",
        "States.NoSuchFunction(1)",
    ],
)
def test_failures(expr):
    with pytest.raises(IntrinsicError):
        run(expr)


@pytest.mark.parametrize(
    "text", ["States.Format('x'", "States.Array(1,)", "States.Array(1) trailing", "States.X(@)"]
)
def test_syntax_errors(text):
    with pytest.raises(fn.IntrinsicSyntaxError):
        fn.parse(text)


def test_paths_can_read_context_and_variables():
    definition = {
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"who": "world"}, "Next": "Use"},
            "Use": {
                "Type": "Pass",
                "Parameters": {"v.$": "States.Format('{} {} {}', $who, $$.State.Name, $.x)"},
                "End": True,
            },
        },
    }
    ex = Execution(definition, {"x": 1})
    ex.run()
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"v": "world Use 1"}


def test_a_failing_function_fails_the_execution_with_intrinsic_failure():
    definition = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Parameters": {"v.$": "States.ArrayGetItem($.a, 5)"}, "End": True}
        },
    }
    ex = Execution(definition, {"a": [1]})
    ex.run()
    assert ex.status == "FAILED"
    assert ex.error == "States.IntrinsicFailure"
    assert ex.cause.startswith("An error occurred while executing the state 'P'")
