"""Syntax errors name the offending token and the text around it, as AWS does."""

from __future__ import annotations

import pytest

from strato.services.dynamodb.expressions import (
    DynamoValidationError,
    parse_condition,
    parse_projection,
    parse_update,
)
from strato.services.dynamodb.expressions.tokens import tokenize

VALUES = {":v": {"S": "x"}, ":a": {"N": "1"}, ":b": {"N": "2"}}
NAMES = {"#x": "x"}


def message_of(call, *args, **kwargs) -> str:
    with pytest.raises(DynamoValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "token", "near"),
    [
        # the first four are AWS's own answers, recorded from real DynamoDB
        ("a-b", "-", "a-b"),
        ("()", ")", "()"),
        ("attribute_exists(car_id) AND NOT #x", "<EOF>", "#x"),
        ("a =", "<EOF>", "="),
        ("a = :v AND", "<EOF>", "AND"),
        ("a IN :v", ":v", "IN :v"),
        ("a BETWEEN :a :b", ":b", ":a :b"),
        ("a = :v OR OR b = :v", "OR", "OR OR b"),
        ("a[x] = :v", "x", "[x]"),
        ("a.1 = :v", "1", ".1 ="),
        ("size() > :a", ")", "() >"),
        ("between = :v", "between", "between ="),
        ("é = :v", "é", "é ="),
        ("# = :v", "#", "# ="),
        ("a = : v", ":", "= : v"),
        ("a != :v", "!", "a !="),
        ("a = :v)", ")", ":v)"),
        ("(a = :v", "<EOF>", ":v"),
        ("a = :v b = :v", "b", ":v b ="),
        ("a < = :v", "=", "< = :v"),
        ("a[-1] = :v", "-", "[-1"),
    ],
)
def test_condition_syntax_errors(text: str, token: str, near: str) -> None:
    message = message_of(parse_condition, text, NAMES, VALUES)
    assert message == f'Invalid ConditionExpression: Syntax error; token: "{token}", near: "{near}"'


@pytest.mark.parametrize("kind", ["FilterExpression", "KeyConditionExpression"])
def test_the_expression_kind_is_named(kind: str) -> None:
    message = message_of(parse_condition, "a-b", None, None, kind=kind)
    assert message == f'Invalid {kind}: Syntax error; token: "-", near: "a-b"'


@pytest.mark.parametrize(
    ("text", "token", "near"),
    [
        ("INVALID SYNTAX HERE", "INVALID", "INVALID SYNTAX"),  # AWS's own answer
        ("ADD hits : incr", ":", "hits : incr"),  # AWS's own answer
        ("SET a = :v,", "<EOF>", ","),
        ("SET a + :v", "+", "a + :v"),
        ("SET a = b + c + d", "+", "c + d"),
        ("REMOVE", "<EOF>", "REMOVE"),
        ("SET set = :v", "set", "SET set ="),
        ("DELETE a", "<EOF>", "a"),
        ("SET a = :v REMOVE", "<EOF>", "REMOVE"),
        ("SET a = if_not_exists(b, :v", "<EOF>", ":v"),
        ("SET a = :v WHERE b", "WHERE", ":v WHERE b"),
        ("SET a = (b + :v", "<EOF>", ":v"),
        ("ADD a", "<EOF>", "a"),
    ],
)
def test_update_syntax_errors(text: str, token: str, near: str) -> None:
    message = message_of(parse_update, text, None, VALUES)
    assert message == f'Invalid UpdateExpression: Syntax error; token: "{token}", near: "{near}"'


@pytest.mark.parametrize(
    ("text", "token", "near"),
    [
        ("!!", "!", "!!"),  # AWS's own answer
        ("a,", "<EOF>", ","),
        ("a b", "b", "a b"),
        ("a[1", "<EOF>", "1"),
        ("a.", "<EOF>", "."),
        (":v", ":v", ":v"),
    ],
)
def test_projection_syntax_errors(text: str, token: str, near: str) -> None:
    message = message_of(parse_projection, text, None)
    assert (
        message == f'Invalid ProjectionExpression: Syntax error; token: "{token}", near: "{near}"'
    )


@pytest.mark.parametrize(
    ("call", "kind"),
    [
        (lambda t: parse_condition(t, None, None), "ConditionExpression"),
        (
            lambda t: parse_condition(t, None, None, kind="KeyConditionExpression"),
            "KeyConditionExpression",
        ),
        (lambda t: parse_update(t, None, None), "UpdateExpression"),
        (lambda t: parse_projection(t, None), "ProjectionExpression"),
    ],
)
def test_empty_and_oversized_expressions(call, kind: str) -> None:
    assert message_of(call, "") == f"Invalid {kind}: The expression can not be empty;"
    big = "a" * 4097
    assert message_of(call, big) == (
        f"Invalid {kind}: Expression size has exceeded the maximum allowed size; expression size: 4097"
    )


def test_keywords_are_case_insensitive_and_whitespace_free_form() -> None:
    parse_condition("a = :v and not b = :v or (c between :a and :b)", None, VALUES)
    parse_condition("a=:v\tAND\nb IN(:a,:b)", None, VALUES)
    parse_update("set a=:v remove b add c :a", None, VALUES)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("a.b[12] = :v", ["NAME", ".", "NAME", "[", "NUMBER", "]", "=", "PLACEHOLDER", "EOF"]),
        ("#n <> :x_1", ["ALIAS", "<>", "PLACEHOLDER", "EOF"]),
        ("a<=b>=c<d>e", ["NAME", "<=", "NAME", ">=", "NAME", "<", "NAME", ">", "NAME", "EOF"]),
        ("1abc", ["NUMBER", "NAME", "EOF"]),
        ("a@", ["NAME", "INVALID", "EOF"]),
    ],
)
def test_tokenizer(text: str, kinds: list[str]) -> None:
    assert [token.kind for token in tokenize(text)] == kinds
