"""Projection expressions and key condition expressions."""

from __future__ import annotations

import pytest

from strato.services.dynamodb.expressions import (
    DynamoValidationError,
    parse_key_condition,
    parse_projection,
    project,
)

ITEM = {
    "pk": {"S": "p"},
    "a": {
        "M": {"b": {"S": "bb"}, "c": {"N": "1"}, "d": {"L": [{"N": "0"}, {"M": {"e": {"S": "E"}}}]}}
    },
    "l": {"L": [{"S": "l0"}, {"S": "l1"}, {"S": "l2"}]},
    "x.y": {"S": "dotted"},
    "n": {"N": "5"},
}


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("pk", None, {"pk": {"S": "p"}}),
        ("pk, n, gone", None, {"pk": {"S": "p"}, "n": {"N": "5"}}),
        ("a.b", None, {"a": {"M": {"b": {"S": "bb"}}}}),
        ("a.b, a.c", None, {"a": {"M": {"b": {"S": "bb"}, "c": {"N": "1"}}}}),
        ("l[2], l[0]", None, {"l": {"L": [{"S": "l0"}, {"S": "l2"}]}}),  # compacted, index order
        ("l[7]", None, {}),
        ("a.d[1].e", None, {"a": {"M": {"d": {"L": [{"M": {"e": {"S": "E"}}}]}}}}),
        ("a.nope, a.b.c", None, {}),
        ("#xy", {"#xy": "x.y"}, {"x.y": {"S": "dotted"}}),
        ("#a.#b", {"#a": "a", "#b": "b"}, {"a": {"M": {"b": {"S": "bb"}}}}),
        ("a", None, {"a": ITEM["a"]}),
    ],
)
def test_projection(text: str, names: dict | None, expected: dict) -> None:
    projection = parse_projection(text, names)
    assert project(projection, ITEM) == expected
    assert project(projection, {}) == {}


P = "Invalid ProjectionExpression: "


@pytest.mark.parametrize(
    ("text", "names", "message"),
    [
        (
            "#a, #a.#b",
            {"#a": "a", "#b": "b"},
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
        ),
        (
            "a, a",
            None,
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
        ),
        (
            "a.b, a[0]",
            None,
            "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]",
        ),
        ("name, pk", None, "Attribute name is a reserved keyword; reserved keyword: name"),
        (
            "#undef",
            None,
            "An expression attribute name used in the document path is not defined; attribute name: #undef",
        ),
        ("#undef, status", None, "Attribute name is a reserved keyword; reserved keyword: status"),
    ],
)
def test_rejected_projections(text: str, names: dict | None, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        parse_projection(text, names)
    assert caught.value.message == P + message


VALUES = {
    ":pk": {"S": "p"},
    ":a": {"S": "a"},
    ":m": {"S": "m"},
    ":z": {"S": "z"},
    ":n": {"N": "5"},
    ":t": {"BOOL": True},
}


@pytest.mark.parametrize(
    ("text", "range_"),
    [
        ("pk = :pk", None),
        ("#pk = :pk", None),
        ("pk = :pk AND sk = :a", ("=", [{"S": "a"}])),
        ("pk = :pk AND sk < :a", ("<", [{"S": "a"}])),
        ("pk = :pk AND sk <= :a", ("<=", [{"S": "a"}])),
        ("pk = :pk AND sk > :a", (">", [{"S": "a"}])),
        ("pk = :pk AND sk >= :a", (">=", [{"S": "a"}])),
        ("pk = :pk AND :a <= #sk", (">=", [{"S": "a"}])),  # AWS accepts the value first
        (":pk = pk AND :z > sk", ("<", [{"S": "z"}])),
        ("pk = :pk AND sk BETWEEN :a AND :z", ("BETWEEN", [{"S": "a"}, {"S": "z"}])),
        ("pk = :pk AND begins_with(sk, :a)", ("begins_with", [{"S": "a"}])),
        ("sk = :a AND pk = :pk", ("=", [{"S": "a"}])),
        ("(pk = :pk) AND (sk = :a)", ("=", [{"S": "a"}])),
        ("(pk = :pk AND sk = :a)", ("=", [{"S": "a"}])),
    ],
)
def test_key_conditions(text: str, range_: tuple | None) -> None:
    names = {"#pk": "pk", "#sk": "sk"} if "#" in text else None
    used = {k: v for k, v in VALUES.items() if k in text}
    condition = parse_key_condition(text, names, used, "pk", "sk")
    assert condition.hash_key == "pk"
    assert condition.hash_value == {"S": "p"}
    assert condition.range == range_
    assert condition.values_used == set(used)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # recorded from real DynamoDB
        ("sk = :a", "Query condition missed key schema element: pk"),
        ("attr1 = :a", "Query condition missed key schema element: pk"),
        (
            "pk = :pk AND #sk.foo = :a",
            "KeyConditionExpressions cannot have conditions on nested attributes",
        ),
        (
            "pk = :pk AND sk = :a AND sk = :z",
            "KeyConditionExpressions must only contain one condition per key",
        ),
        (
            "((pk = :pk)) AND ((sk = :a))",
            "Invalid KeyConditionExpression: The expression has redundant parentheses;",
        ),
        # the rest of AWS's key condition rules
        ("pk = :pk AND attr1 = :a", "Query condition missed key schema element: sk"),
        ("pk = :pk OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"),
        ("pk = :pk AND NOT sk = :a", "Invalid operator used in KeyConditionExpression: NOT"),
        ("pk = :pk AND sk IN (:a, :z)", "Invalid operator used in KeyConditionExpression: IN"),
        ("pk = :pk AND sk <> :a", "Invalid operator used in KeyConditionExpression: <>"),
        (
            "pk = :pk AND attribute_exists(sk)",
            "Invalid operator used in KeyConditionExpression: attribute_exists",
        ),
        (
            "pk = :pk AND contains(sk, :a)",
            "Invalid operator used in KeyConditionExpression: contains",
        ),
        ("pk = :pk AND size(sk) > :n", "KeyConditionExpressions cannot contain nested operations"),
        (
            "pk = :pk AND begins_with(:a, sk)",
            "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand",
        ),
        (
            "pk = :pk AND :a BETWEEN sk AND :z",
            "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand",
        ),
        (
            "pk = :pk AND sk = pk",
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
        ),
        (
            "pk = :pk AND :a = :z",
            "Invalid condition in KeyConditionExpression: No key attribute specified",
        ),
        ("pk < :pk", "Query key condition not supported"),
        ("begins_with(pk, :pk)", "Query key condition not supported"),
        ("pk = :pk AND sk = :a AND attr1 = :z", "Conditions can be of length 1 or 2 only"),
        (
            "pk = :t",
            "One or more parameter values were invalid: ComparisonOperator EQ is not valid for BOOL AttributeValue type",
        ),
        (
            "pk = :pk AND begins_with(sk, :n)",
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
        ),
        (
            "pk = :pk AND sk BETWEEN :z AND :a",
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:z}, upper bound operand: AttributeValue: {S:a}",
        ),
        (
            "pk = :pk AND status = :a",
            "Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: status",
        ),
    ],
)
def test_rejected_key_conditions(text: str, message: str) -> None:
    names = {"#sk": "sk"} if "#" in text else None
    used = {k: v for k, v in VALUES.items() if k in text}
    with pytest.raises(DynamoValidationError) as caught:
        parse_key_condition(text, names, used, "pk", "sk")
    assert caught.value.message == message


def test_a_hash_only_table_accepts_only_the_partition_key() -> None:
    parse_key_condition("pk = :pk", None, {":pk": VALUES[":pk"]}, "pk", None)
    with pytest.raises(DynamoValidationError) as caught:
        parse_key_condition(
            "pk = :pk AND sk = :a", None, {":pk": VALUES[":pk"], ":a": VALUES[":a"]}, "pk", None
        )
    assert caught.value.message == "Query key condition not supported"


@pytest.mark.parametrize(
    ("text", "sk", "matches"),
    [
        ("pk = :pk", {"S": "anything"}, True),
        ("pk = :pk AND sk = :m", {"S": "m"}, True),
        ("pk = :pk AND sk < :m", {"S": "a"}, True),
        ("pk = :pk AND sk < :m", {"S": "m"}, False),
        ("pk = :pk AND sk >= :m", {"S": "m"}, True),
        ("pk = :pk AND sk BETWEEN :a AND :m", {"S": "m"}, True),
        ("pk = :pk AND sk BETWEEN :a AND :m", {"S": "ma"}, False),
        ("pk = :pk AND begins_with(sk, :m)", {"S": "mango"}, True),
        ("pk = :pk AND begins_with(sk, :m)", {"S": "apple"}, False),
        ("pk = :pk AND sk > :a", {"N": "5"}, False),
    ],
)
def test_key_condition_matches(text: str, sk: dict, matches: bool) -> None:
    used = {k: v for k, v in VALUES.items() if k in text}
    condition = parse_key_condition(text, None, used, "pk", "sk")
    assert condition.matches({"pk": {"S": "p"}, "sk": sk}) is matches
    assert condition.matches({"pk": {"S": "other"}, "sk": sk}) is False
