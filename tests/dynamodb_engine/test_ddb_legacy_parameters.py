"""Expected, AttributeUpdates, KeyConditions, QueryFilter/ScanFilter and AttributesToGet."""

from __future__ import annotations

import pytest

from strato.services.dynamodb.expressions import (
    DynamoValidationError,
    apply_update,
    condition_from_expected,
    condition_from_filter,
    evaluate,
    key_condition_from_key_conditions,
    parse_condition,
    project,
    projection_from_attributes_to_get,
    update_from_attribute_updates,
)
from strato.services.dynamodb.expressions.nodes import And, Between, Function, Path, Value

ITEM = {
    "pk": {"S": "k"},
    "n": {"N": "10"},
    "s": {"S": "hello"},
    "ss": {"SS": ["a", "b"]},
    "l": {"L": [{"S": "x"}]},
    "status": {"S": "on"},  # legacy names are literal: reserved words are fine
}
INVALID = "One or more parameter values were invalid: "


def cmp(op: str, *values: dict) -> dict:
    return {"ComparisonOperator": op, "AttributeValueList": list(values)}


@pytest.mark.parametrize(
    ("expected", "operator", "holds"),
    [
        ({"pk": {"Exists": False}}, None, False),
        ({"gone": {"Exists": False}}, None, True),
        ({"n": {"Value": {"N": "10.0"}}}, None, True),
        ({"n": {"Exists": True, "Value": {"N": "11"}}}, None, False),
        ({"status": {"Value": {"S": "on"}}}, None, True),
        ({"n": cmp("EQ", {"N": "10"})}, None, True),
        ({"n": cmp("NE", {"N": "10"})}, None, False),
        ({"gone": cmp("NE", {"N": "10"})}, None, True),
        ({"n": cmp("GT", {"N": "9"})}, None, True),
        ({"n": cmp("GE", {"N": "11"})}, None, False),
        ({"n": cmp("LT", {"N": "11"})}, None, True),
        ({"n": cmp("LE", {"N": "10"})}, None, True),
        ({"n": cmp("BETWEEN", {"N": "1"}, {"N": "10"})}, None, True),
        ({"n": cmp("IN", {"N": "1"}, {"N": "10"})}, None, True),
        ({"n": {"ComparisonOperator": "NOT_NULL"}}, None, True),
        ({"n": {"ComparisonOperator": "NULL"}}, None, False),
        ({"s": cmp("BEGINS_WITH", {"S": "he"})}, None, True),
        ({"s": cmp("CONTAINS", {"S": "ll"})}, None, True),
        ({"ss": cmp("CONTAINS", {"S": "b"})}, None, True),
        ({"l": cmp("CONTAINS", {"S": "x"})}, None, True),
        ({"ss": cmp("NOT_CONTAINS", {"S": "b"})}, None, False),
        ({"gone": cmp("NOT_CONTAINS", {"S": "b"})}, None, True),
        ({"n": {"ComparisonOperator": "EQ", "Value": {"N": "10"}}}, None, True),
        ({"n": cmp("EQ", {"N": "1"}), "s": cmp("EQ", {"S": "hello"})}, None, False),
        ({"n": cmp("EQ", {"N": "1"}), "s": cmp("EQ", {"S": "hello"})}, "AND", False),
        ({"n": cmp("EQ", {"N": "1"}), "s": cmp("EQ", {"S": "hello"})}, "OR", True),
    ],
)
def test_expected(expected: dict, operator: str | None, holds: bool) -> None:
    condition = condition_from_expected(expected, operator)
    assert condition is not None
    assert evaluate(condition, ITEM) is holds


def test_expected_converts_to_the_same_tree_as_the_expression() -> None:
    legacy = condition_from_expected(
        {"a": cmp("BETWEEN", {"N": "1"}, {"N": "2"}), "b": {"Exists": False}}
    )
    expression = parse_condition(
        "a BETWEEN :x AND :y AND attribute_not_exists(b)",
        None,
        {":x": {"N": "1"}, ":y": {"N": "2"}},
    )

    def tree(x: str, y: str) -> And:
        low, high = Value(x, {"N": "1"}), Value(y, {"N": "2"})
        return And(
            Between(Path(("a",)), low, high), Function("attribute_not_exists", (Path(("b",)),))
        )

    assert legacy.root == tree("", "")
    assert expression.root == tree(":x", ":y")


def test_nothing_to_check() -> None:
    assert condition_from_expected(None) is None
    assert condition_from_expected({}) is None
    assert condition_from_filter({}, "AND") is None


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        (
            {"a": {"Value": {"S": "x"}, "AttributeValueList": []}},
            INVALID + "Value and AttributeValueList cannot be used together for Attribute: a",
        ),
        (
            {"a": {"Exists": True, "ComparisonOperator": "NULL"}},
            INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: a",
        ),
        (
            {"a": {"ComparisonOperator": "EQ"}},
            INVALID
            + "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a",
        ),
        (
            {"a": {"AttributeValueList": [{"S": "x"}]}},
            INVALID
            + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a",
        ),
        ({"a": {}}, INVALID + "Value must be provided when Exists is null for Attribute: a"),
        (
            {"a": {"Exists": True}},
            INVALID + "Value must be provided when Exists is true for Attribute: a",
        ),
        (
            {"a": {"Exists": False, "Value": {"S": "x"}}},
            INVALID + "Value cannot be used when Exists is false for Attribute: a",
        ),
        (
            {"a": cmp("EQ", {"S": "x"}, {"S": "y"})},
            INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator",
        ),
        (
            {"a": cmp("BETWEEN", {"S": "x"})},
            INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator",
        ),
        (
            {"a": cmp("NULL", {"S": "x"})},
            INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator",
        ),
        (
            {"a": cmp("IN", {"S": "x"}, {"N": "1"})},
            INVALID + "AttributeValues inside AttributeValueList must be of same type",
        ),
        (
            {"a": cmp("LE", {"L": []})},
            INVALID + "ComparisonOperator LE is not valid for L AttributeValue type",
        ),
        (
            {"a": cmp("BEGINS_WITH", {"N": "1"})},
            INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type",
        ),
        (
            {"a": cmp("BETWEEN", {"N": "5"}, {"N": "1"})},
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
        ),
        ({"a": {"Value": {"SS": []}}}, INVALID + "An string set  may not be empty"),
    ],
)
def test_rejected_expected(expected: dict, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        condition_from_expected(expected)
    assert caught.value.message == message


def test_filters() -> None:
    scan_filter = {"n": cmp("GT", {"N": "5"}), "s": cmp("BEGINS_WITH", {"S": "x"})}
    assert evaluate(condition_from_filter(scan_filter, None), ITEM) is False
    assert evaluate(condition_from_filter(scan_filter, "OR"), ITEM) is True
    with pytest.raises(DynamoValidationError) as caught:
        condition_from_filter({"n": {"ComparisonOperator": "GT"}})
    assert (
        caught.value.message
        == INVALID + "Invalid number of argument(s) for the GT ComparisonOperator"
    )


@pytest.mark.parametrize(
    ("updates", "expected"),
    [
        ({"s": {"Value": {"S": "new"}}}, {"s": {"S": "new"}}),
        ({"s": {"Action": "PUT", "Value": {"S": "new"}}}, {"s": {"S": "new"}}),
        ({"s": {"Action": "DELETE"}}, {"s": None}),
        ({"gone": {"Action": "DELETE"}}, {}),
        ({"n": {"Action": "ADD", "Value": {"N": "-2.5"}}}, {"n": {"N": "7.5"}}),
        ({"c": {"Action": "ADD", "Value": {"N": "3"}}}, {"c": {"N": "3"}}),
        ({"ss": {"Action": "ADD", "Value": {"SS": ["c", "a"]}}}, {"ss": {"SS": ["a", "b", "c"]}}),
        ({"ss": {"Action": "DELETE", "Value": {"SS": ["a"]}}}, {"ss": {"SS": ["b"]}}),
        ({"ss": {"Action": "DELETE", "Value": {"SS": ["a", "b"]}}}, {"ss": None}),
        (
            {"l": {"Action": "ADD", "Value": {"L": [{"N": "1"}]}}},
            {"l": {"L": [{"S": "x"}, {"N": "1"}]}},
        ),
        ({"status": {"Value": {"S": "off"}}}, {"status": {"S": "off"}}),
    ],
)
def test_attribute_updates(updates: dict, expected: dict) -> None:
    new, touched = apply_update(update_from_attribute_updates(updates), ITEM)
    want = {k: v for k, v in {**ITEM, **expected}.items() if v is not None}
    assert new == want
    assert touched == set(updates)


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        (
            {"a": {"Action": "PUT"}},
            INVALID + "Only DELETE action is allowed when no attribute value is specified",
        ),
        (
            {"a": {"Action": "ADD"}},
            INVALID + "Only DELETE action is allowed when no attribute value is specified",
        ),
        (
            {"a": {"Action": "DELETE", "Value": {"S": "x"}}},
            INVALID + "DELETE action with value is not supported for the type S",
        ),
        (
            {"a": {"Action": "ADD", "Value": {"S": "x"}}},
            INVALID + "ADD action is not supported for the type S",
        ),
        (
            {"a": {"Action": "ADD", "Value": {"M": {}}}},
            INVALID + "ADD action is not supported for the type M",
        ),
    ],
)
def test_rejected_attribute_updates(updates: dict, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        update_from_attribute_updates(updates)
    assert caught.value.message == message


def test_attribute_updates_type_mismatch_uses_the_legacy_message() -> None:
    update = update_from_attribute_updates({"s": {"Action": "ADD", "Value": {"N": "1"}}})
    with pytest.raises(DynamoValidationError) as caught:
        apply_update(update, ITEM)
    assert caught.value.message == "Type mismatch for attribute to update"


def test_key_conditions() -> None:
    condition = key_condition_from_key_conditions(
        {"pk": cmp("EQ", {"S": "k"}), "sk": cmp("BEGINS_WITH", {"S": "ab"})}, "pk", "sk"
    )
    assert condition.hash_value == {"S": "k"}
    assert condition.range == ("begins_with", [{"S": "ab"}])
    assert condition.matches({"pk": {"S": "k"}, "sk": {"S": "abc"}})
    between = key_condition_from_key_conditions(
        {"pk": cmp("EQ", {"S": "k"}), "sk": cmp("BETWEEN", {"N": "1"}, {"N": "2"})}, "pk", "sk"
    )
    assert between.range == ("BETWEEN", [{"N": "1"}, {"N": "2"}])


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"sk": cmp("EQ", {"S": "a"})}, "Query condition missed key schema element: pk"),
        (
            {"pk": cmp("EQ", {"S": "a"}), "sk": {"ComparisonOperator": "NOT_NULL"}},
            "Attempted conditional constraint is not an indexable operation",
        ),
        (
            {"pk": cmp("EQ", {"S": "a"}), "sk": cmp("CONTAINS", {"S": "a"})},
            "Attempted conditional constraint is not an indexable operation",
        ),
        ({"pk": cmp("GT", {"S": "a"})}, "Query key condition not supported"),
        (
            {"pk": cmp("EQ", {"S": "a"}), "x": cmp("EQ", {"S": "a"})},
            "Query condition missed key schema element: sk",
        ),
        (
            {"pk": cmp("EQ", {"S": "a"}, {"S": "b"})},
            INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator",
        ),
    ],
)
def test_rejected_key_conditions(conditions: dict, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        key_condition_from_key_conditions(conditions, "pk", "sk")
    assert caught.value.message == message


def test_attributes_to_get() -> None:
    projection = projection_from_attributes_to_get(["s", "status", "gone"])
    assert project(projection, ITEM) == {"s": {"S": "hello"}, "status": {"S": "on"}}
    with pytest.raises(DynamoValidationError) as caught:
        projection_from_attributes_to_get(["a", "b", "a"])
    assert caught.value.message == INVALID + "Duplicate value in attribute name: a"
