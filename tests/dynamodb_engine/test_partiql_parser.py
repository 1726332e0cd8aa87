"""The PartiQL parser and key analysis on their own: literals, errors, and which keys a WHERE
clause names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strato.protocol import ServiceError
from strato.services.dynamodb.expressions import evaluate
from strato.services.dynamodb.partiql import parse_statement
from strato.services.dynamodb.partiql.key_access import partition_values, primary_key
from strato.services.dynamodb.schema import KeyShape

SHAPE = KeyShape("pk", "S", "sk", "N")


def where_of(condition: str, *parameters):
    return parse_statement(f"SELECT * FROM t WHERE {condition}", list(parameters)).where


def message_of(text: str, *parameters) -> str:
    with pytest.raises(ServiceError) as caught:
        parse_statement(text, list(parameters))
    assert caught.value.code == "ValidationException"
    return caught.value.message


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("'x'", {"S": "x"}),
        ("'it''s'", {"S": "it's"}),
        ("''", {"S": ""}),
        ("42", {"N": "42"}),
        ("-0.50", {"N": "-0.5"}),
        ("1e3", {"N": "1000"}),
        ("TRUE", {"BOOL": True}),
        ("false", {"BOOL": False}),
        ("NULL", {"NULL": True}),
        ("[]", {"L": []}),
        ("[1, 'a', [TRUE]]", {"L": [{"N": "1"}, {"S": "a"}, {"L": [{"BOOL": True}]}]}),
        ("{}", {"M": {}}),
        ("{'k': {'j': NULL}}", {"M": {"k": {"M": {"j": {"NULL": True}}}}}),
        ("<<'b', 'a'>>", {"SS": ["b", "a"]}),
        ("<<1, 2.0>>", {"NS": ["1", "2"]}),
    ],
)
def test_literals(literal, value):
    where = where_of(f"a = {literal}")
    assert where.right.value == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Statement wasn't well formed, can't be processed: Expected data manipulation"),
        (
            "CREATE TABLE t",
            "Statement wasn't well formed, can't be processed: Expected data manipulation",
        ),
        (
            "SELECT * FROM t WHERE a = 'open",
            "Statement wasn't well formed, can't be processed: Unterminated string",
        ),
        (
            "SELECT * FROM t WHERE a =",
            "Statement wasn't well formed, can't be processed: Unexpected end of statement",
        ),
        (
            "SELECT * FROM t WHERE a = 1 b",
            "Statement wasn't well formed, can't be processed: Unexpected token",
        ),
        (
            "SELECT * FROM select",
            "Statement wasn't well formed, can't be processed: Unexpected keyword",
        ),
        (
            "SELECT * FROM t; SELECT * FROM t",
            "Statement wasn't well formed, can't be processed: Unexpected keyword",
        ),
        (
            "SELECT *, a FROM t",
            "Other attributes should not be present in the projection when '*' is used.",
        ),
        ("SELECT a AS b FROM t", "Aliasing is not supported"),
        ("SELECT * FROM t.i.j", "A path may contain at most 2 components in the FROM clause"),
        (
            "SELECT * FROM t WHERE a",
            "WHERE clause must contain an expression that resolves to a boolean",
        ),
        (
            "SELECT * FROM t WHERE a IN []",
            "IN operator must have a left hand argument of type "
            "Variable Reference and right hand argument of type Seq with at least one member",
        ),
        (
            "SELECT * FROM t WHERE a IS DATE",
            "Unsupported data type for IS operator: DATE. "
            "Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, "
            "TUPLE, LIST]",
        ),
        ("SELECT * FROM t WHERE upper(a) = 'A'", "Unrecognized function: upper"),
        ("SELECT * FROM t WHERE a[*] = 1", "Wildcard path component like a[*].b are not supported"),
        (
            "SELECT * FROM t WHERE a = <<1, 'a'>>",
            "Unsupported data type in Bag. DynamoDB only "
            "supports either numbers or strings in bags",
        ),
        ("SELECT * FROM t WHERE a = <<1, 1.0>>", "Input collection contains duplicates"),
        ("SELECT * FROM t WHERE a = {'k': 1, 'k': 2}", "Duplicate keys in tuple. Key: k"),
        (
            "INSERT INTO t VALUE [1]",
            "Unsupported format in item expression. Please use struct "
            "format {...} to express item values for insert statement.",
        ),
        (
            "INSERT INTO t VALUE <<{'a': 1}>>",
            "Unsupported operation: Inserting multiple items "
            'in a single statement is not supported, use "INSERT INTO tableName VALUE item" '
            "instead",
        ),
        (
            "INSERT INTO t VALUE {'a': 1} RETURNING ALL OLD *",
            "RETURNING is not supported in INSERT",
        ),
        (
            "INSERT INTO t.i VALUE {'a': 1}",
            "FROM clause may only contain a single table name in data manipulation statements",
        ),
        (
            "UPDATE t ADD n 1 WHERE pk = 'a'",
            "Only SET and REMOVE are supported in update expressions at this time",
        ),
        (
            "UPDATE t SET s = set_add(other, <<'a'>>) WHERE pk = 'a'",
            "The first argument to SET_ADD must equal the assignment value",
        ),
        (
            "UPDATE t SET s = set_delete(s, 'a') WHERE pk = 'a'",
            "The second argument to SET_DELETE must be a value with type SET",
        ),
        (
            "UPDATE t SET a = 1 WHERE pk = 'a' RETURNING ALL *",
            "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
        ),
        (
            "SELECT * FROM t WHERE a = ? AND b = ?",
            "Number of parameters in request and statement don't match.",
        ),
    ],
)
def test_errors(text, message):
    assert message_of(text, {"S": "only one"}) == message


def test_extra_parameters_are_accepted_and_bound_in_order():
    where = where_of("a = ? AND b = ?", {"S": "first"}, {"N": "2"}, {"S": "unused"})
    assert where.left.right.value == {"S": "first"}
    assert where.right.right.value == {"N": "2"}


@pytest.mark.parametrize(
    ("condition", "partitions"),
    [
        ("pk = 'a'", ["a"]),
        ("'a' = pk", ["a"]),
        ("pk = 'a' AND x = 1", ["a"]),
        ("x = 1 AND pk IN ['a', 'b']", ["a", "b"]),
        ("pk = 'a' OR pk = 'b'", ["a", "b"]),
        ("(pk = 'a' AND x = 1) OR pk IN ['c']", ["a", "c"]),
        ("pk = 'a' OR x = 1", None),
        ("pk > 'a'", None),
        ("NOT pk = 'a'", None),
        ("pk <> 'a'", None),
        ("begins_with(pk, 'a')", None),
        ("pk.inner = 'a'", None),
    ],
)
def test_partition_values(condition, partitions):
    found = partition_values(where_of(condition), "pk")
    assert (None if found is None else [v["S"] for v in found]) == partitions


def test_primary_key_and_the_rest_of_the_clause():
    key, rest = primary_key(where_of("x = 1 AND sk = 2 AND pk = 'a' AND y IS MISSING"), SHAPE)
    assert key == {"pk": {"S": "a"}, "sk": {"N": "2"}}
    assert evaluate(rest, {"x": {"N": "1"}})
    assert not evaluate(rest, {"x": {"N": "1"}, "y": {"S": "there"}})
    key, rest = primary_key(where_of("pk = 'a' AND sk = 2"), SHAPE)
    assert rest is None


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("pk = 'a'", "Where clause does not contain a mandatory equality on all key attributes"),
        (
            "pk = 'a' OR sk = 1",
            "Where clause does not contain a mandatory equality on all key attributes",
        ),
        (
            "pk = 'a' AND sk > 1",
            "Where clause does not contain a mandatory equality on all key attributes",
        ),
        (
            "pk = 'a' AND sk = 1 AND sk = 2",
            "Multiple conditions on same key sk. Only single item "
            "Update/Insert/Delete are supported",
        ),
        (
            "pk = 1 AND sk = 1",
            "Key attribute's data type should match its data type in table's schema: Key pk",
        ),
    ],
)
def test_primary_key_errors(condition, message):
    with pytest.raises(ServiceError) as caught:
        primary_key(where_of(condition), SHAPE)
    assert caught.value.message == message


@given(st.text())
def test_any_string_literal_reads_back(text):
    quoted = "'" + text.replace("'", "''") + "'"
    assert where_of(f'"a" = {quoted}').right.value == {"S": text}
