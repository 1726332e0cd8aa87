"""Condition expressions AWS rejects before evaluating anything, with AWS's messages."""

from __future__ import annotations

import pytest

from strato.services.dynamodb.expressions import DynamoValidationError, parse_condition

NAMES = {"#a": "a", "#s": "status", "#d": "data"}
VALUES = {
    ":s": {"S": "x"},
    ":n": {"N": "1"},
    ":m": {"N": "5"},
    ":b": {"B": b"b"},
    ":t": {"BOOL": True},
    ":l": {"L": []},
    ":ss": {"SS": ["a"]},
    ":type": {"S": "SS"},
    ":bad_type": {"S": "STRING"},
}
P = "Invalid ConditionExpression: "
TYPE = "Incorrect operand type for operator or function; operator or function: {}, operand type: {}"
MISUSED = "The function is not allowed to be used this way in an expression; function: {}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # recorded from real DynamoDB
        ("((attribute_not_exists(pk)))", "The expression has redundant parentheses;"),
        (
            "contains(#d, #d)",
            "The first operand must be distinct from the remaining operands for this operator or "
            "function; operator: contains, first operand: [data]",
        ),
        ("status = :s", "Attribute name is a reserved keyword; reserved keyword: status"),
        ("a = :s AND Size = :n", "Attribute name is a reserved keyword; reserved keyword: Size"),
        (
            "#missing = :s",
            "An expression attribute name used in the document path is not defined; attribute name: #missing",
        ),
        (
            "a = :missing",
            "An expression attribute value used in expression is not defined; attribute value: :missing",
        ),
        # redundant parentheses, anywhere
        ("((a = :s)) AND b = :s", "The expression has redundant parentheses;"),
        ("((a)) = :s", "The expression has redundant parentheses;"),
        ("a = :s AND ((b = :s))", "The expression has redundant parentheses;"),
        # functions
        ("foo(a)", "Invalid function name; function: foo"),
        ("ATTRIBUTE_EXISTS(a)", "Invalid function name; function: ATTRIBUTE_EXISTS"),
        ("size(a)", MISUSED.format("size")),
        ("begins_with(a, :s) = :t", MISUSED.format("begins_with")),
        ("size(attribute_exists(a)) = :n", MISUSED.format("attribute_exists")),
        ("a IN (attribute_type(a, :type))", MISUSED.format("attribute_type")),
        (
            "begins_with(a)",
            "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1",
        ),
        (
            "attribute_exists(a, b)",
            "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2",
        ),
        (
            "attribute_exists(:s)",
            "Operator or function requires a document path; operator or function: attribute_exists",
        ),
        (
            "attribute_not_exists(:s)",
            "Operator or function requires a document path; operator or function: attribute_not_exists",
        ),
        ("begins_with(a, :n)", TYPE.format("begins_with", "N")),
        ("begins_with(:t, a)", TYPE.format("begins_with", "BOOL")),
        ("begins_with(a, size(b))", TYPE.format("begins_with", "N")),
        ("attribute_type(a, :n)", TYPE.format("attribute_type", "N")),
        ("attribute_type(a, b)", TYPE.format("attribute_type", "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")),
        (
            "attribute_type(a, :bad_type)",
            "Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
        ),
        ("size(:n) > :n", TYPE.format("size", "N")),
        ("size(size(a)) > :n", TYPE.format("size", "N")),
        ("size(:t) > :n", TYPE.format("size", "BOOL")),
        # comparisons
        (
            "a = a",
            "The first operand must be distinct from the remaining operands for this operator or "
            "function; operator: =, first operand: [a]",
        ),
        (
            "#a.b[1] <> a.b[1]",
            "The first operand must be distinct from the remaining operands for this operator or "
            "function; operator: <>, first operand: [a, b, [1]]",
        ),
        ("a < :t", TYPE.format("<", "BOOL")),
        ("a >= :ss", TYPE.format(">=", "SS")),
        ("a BETWEEN :l AND :l", TYPE.format("BETWEEN", "L")),
        (
            "a BETWEEN :m AND :n",
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}",
        ),
        (
            "a BETWEEN :n AND :s",
            "The BETWEEN operator requires same data type for lower and upper bounds; "
            "lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}",
        ),
        (
            "a IN (" + ", ".join([":n"] * 101) + ")",
            "The IN operator is provided with too many operands; number of operands: 101",
        ),
    ],
)
def test_rejected_conditions(text: str, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        parse_condition(text, NAMES, VALUES)
    assert caught.value.message == P + message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # redundant parentheses outrank everything else
        ("((status = :missing))", "The expression has redundant parentheses;"),
        # an unknown function outranks a reserved word
        ("status = :s AND foo(a)", "Invalid function name; function: foo"),
        # a reserved word outranks an undefined value
        (
            "a = :missing AND status = :s",
            "Attribute name is a reserved keyword; reserved keyword: status",
        ),
        # the first simple condition with a problem decides...
        ("begins_with(a, :n) AND b = :missing", TYPE.format("begins_with", "N")),
        (
            "b = :missing AND begins_with(a, :n)",
            "An expression attribute value used in expression is not defined; attribute value: :missing",
        ),
        # ...and within it an undefined value outranks a wrong type
        (
            "begins_with(:missing, :n)",
            "An expression attribute value used in expression is not defined; attribute value: :missing",
        ),
    ],
)
def test_aws_reports_the_highest_ranked_problem(text: str, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        parse_condition(text, NAMES, VALUES)
    assert caught.value.message == P + message


@pytest.mark.parametrize(
    "text",
    [
        "(attribute_not_exists(pk)) AND (attribute_not_exists(#s))",
        "(attribute_not_exists(pk) AND attribute_not_exists(#s))",
        "(attribute_not_exists(pk) AND (attribute_not_exists(#s)))",
        "(a) = :s",
        "(size(a)) > :n",
        "size(a) BETWEEN :n AND :m",
        "NOT NOT a = :s",
        "NOT (a = :s)",
        "a.b[0].c = :s",
        "#a.#d[10] IN (:s, :n, :b)",
        "contains(a, :n) OR contains(a, b)",
        "a BETWEEN b AND c",
        "size(#d) >= size(a)",
        ":s = a",
        "a = :t",
        "a <> :l",
        "attribute_type(a, :type)",
        "a IN (" + ", ".join([":n"] * 100) + ")",
    ],
)
def test_accepted_conditions(text: str) -> None:
    parse_condition(text, NAMES, VALUES)


def test_names_and_values_used_are_recorded() -> None:
    condition = parse_condition("#a = :s AND size(#d) > :n", NAMES, VALUES)
    assert condition.names_used == {"#a", "#d"}
    assert condition.values_used == {":s", ":n"}


def test_too_many_operators() -> None:
    text = " AND ".join(["a = :s"] * 151)
    with pytest.raises(DynamoValidationError) as caught:
        parse_condition(text, None, VALUES)
    assert (
        caught.value.message
        == P + "The expression contains too many operators; operator count: 301"
    )
    parse_condition(" AND ".join(["a = :s"] * 150), None, VALUES)


def test_values_are_checked_and_normalised_when_used() -> None:
    condition = parse_condition("a = :v", None, {":v": {"N": "01.50"}})
    assert condition.root.right.value == {"N": "1.5"}
    with pytest.raises(DynamoValidationError) as caught:
        parse_condition("a = :v", None, {":v": {"NS": []}})
    assert caught.value.message == (
        "ExpressionAttributeValues contains invalid value: One or more parameter values were "
        "invalid: An number set  may not be empty for key :v"
    )
