"""Update expressions AWS rejects before touching the item, with AWS's messages."""

from __future__ import annotations

import pytest

from strato.services.dynamodb.expressions import DynamoValidationError, parse_update
from strato.services.dynamodb.expressions.nodes import (
    AddAction,
    Arithmetic,
    DeleteAction,
    Function,
    Path,
    RemoveAction,
    SetAction,
    Value,
)

NAMES = {"#a": "a", "#s": "status", "#b": "b"}
VALUES = {
    ":s": {"S": "x"},
    ":n": {"N": "1"},
    ":b": {"B": b"x"},
    ":t": {"BOOL": True},
    ":z": {"NULL": True},
    ":l": {"L": []},
    ":m": {"M": {}},
    ":ss": {"SS": ["a"]},
    ":ns": {"NS": ["1"]},
}
P = "Invalid UpdateExpression: "
OVERLAP = "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {}, path two: {}"
CONFLICT = "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {}, path two: {}"
OPERATOR_TYPE = "Incorrect operand type for operator or function; operator: {}, operand type: {}"
FUNCTION_TYPE = (
    "Incorrect operand type for operator or function; operator or function: {}, operand type: {}"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SET status = :s", "Attribute name is a reserved keyword; reserved keyword: status"),
        (
            "SET a = if_not_exists(status, :s)",
            "Attribute name is a reserved keyword; reserved keyword: status",
        ),
        (
            "SET #x = :s",
            "An expression attribute name used in the document path is not defined; attribute name: #x",
        ),
        (
            "SET a = :x",
            "An expression attribute value used in expression is not defined; attribute value: :x",
        ),
        (
            "SET a = :s, b = :s SET c = :s",
            'The "SET" section can only be used once in an update expression;',
        ),
        (
            "remove a REMOVE b",
            'The "REMOVE" section can only be used once in an update expression;',
        ),
        ("SET a = :s, a = :n", OVERLAP.format("[a]", "[a]")),
        ("SET a = :s, a.b = :n", OVERLAP.format("[a]", "[a, b]")),
        ("SET #a.#b = :s REMOVE a", OVERLAP.format("[a, b]", "[a]")),
        ("SET a[1] = :s REMOVE a[1]", OVERLAP.format("[a, [1]]", "[a, [1]]")),
        ("SET a.b = :s REMOVE a[0]", CONFLICT.format("[a, b]", "[a, [0]]")),
        ("SET a = foo(b)", "Invalid function name; function: foo"),
        ("SET a = size(b)", "Invalid function name; function: size"),
        ("ADD a :s", OPERATOR_TYPE.format("ADD", "STRING")),
        ("ADD a :b", OPERATOR_TYPE.format("ADD", "BINARY")),
        ("ADD a :t", OPERATOR_TYPE.format("ADD", "BOOLEAN")),
        ("ADD a :z", OPERATOR_TYPE.format("ADD", "NULL")),
        ("ADD a :l", OPERATOR_TYPE.format("ADD", "LIST")),
        ("ADD a :m", OPERATOR_TYPE.format("ADD", "MAP")),
        ("DELETE a :n", OPERATOR_TYPE.format("DELETE", "NUMBER")),
        ("DELETE a :s", OPERATOR_TYPE.format("DELETE", "STRING")),
        ("SET a = b + :s", FUNCTION_TYPE.format("+", "S")),
        ("SET a = :l - b", FUNCTION_TYPE.format("-", "L")),
        ("SET a = list_append(:m, b)", FUNCTION_TYPE.format("list_append", "M")),
        ("SET a = list_append(b, :ss)", FUNCTION_TYPE.format("list_append", "SS")),
        (
            "SET a = if_not_exists(:s, :s)",
            "Operator or function requires a document path; operator or function: if_not_exists",
        ),
        (
            "SET a = if_not_exists(b)",
            "Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1",
        ),
        (
            "SET a = list_append(b, c, d)",
            "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 3",
        ),
        # ranking: reserved word, unknown function, repeated clause, names, values, paths, types
        (
            "SET a = foo(b), status = :x",
            "Attribute name is a reserved keyword; reserved keyword: status",
        ),
        ("SET a = :x SET b = foo(c)", "Invalid function name; function: foo"),
        (
            "SET #x = :x SET a = :s",
            'The "SET" section can only be used once in an update expression;',
        ),
        (
            "SET a = :x, #x = :s",
            "An expression attribute name used in the document path is not defined; attribute name: #x",
        ),
        (
            "SET a = :s, a = :x",
            "An expression attribute value used in expression is not defined; attribute value: :x",
        ),
        ("ADD a :s, a :n", OVERLAP.format("[a]", "[a]")),
    ],
)
def test_rejected_updates(text: str, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        parse_update(text, NAMES, VALUES)
    assert caught.value.message == P + message


def test_the_tree_of_a_full_update() -> None:
    update = parse_update(
        "SET #a = if_not_exists(#a, :n) + :n, l = list_append(:l, l), c[2].d = (e - :n) "
        "REMOVE r, l2[0] ADD cnt :n, tags :ss DELETE tags2 :ss",
        NAMES,
        VALUES,
    )
    n, empty, ss = Value(":n", {"N": "1"}), Value(":l", {"L": []}), Value(":ss", {"SS": ["a"]})
    assert update.actions == (
        SetAction(Path(("a",)), Arithmetic("+", Function("if_not_exists", (Path(("a",)), n)), n)),
        SetAction(Path(("l",)), Function("list_append", (empty, Path(("l",))))),
        SetAction(Path(("c", 2, "d")), Arithmetic("-", Path(("e",)), n)),
        RemoveAction(Path(("r",))),
        RemoveAction(Path(("l2", 0))),
        AddAction(Path(("cnt",)), n),
        AddAction(Path(("tags",)), ss),
        DeleteAction(Path(("tags2",)), ss),
    )
    assert update.names_used == {"#a"}
    assert update.values_used == {":n", ":l", ":ss"}
    assert update.top_level_names == {"a", "l", "c", "r", "l2", "cnt", "tags", "tags2"}


@pytest.mark.parametrize(
    "text",
    [
        "SET a = :s",
        "SET a = (:s)",
        "SET a = (b) + :n",
        "SET a = (b + :n)",
        "SET a = b, b = a",
        "SET a[0] = :s, a[1] = :s",
        "SET a.b = :s, a.c = :s",
        "SET a = list_append(if_not_exists(a, :l), :l)",
        "ADD s :ss, n :n DELETE t :ns REMOVE x SET y = :s",
        "REMOVE a[0], a[1], a[2]",
    ],
)
def test_accepted_updates(text: str) -> None:
    parse_update(text, NAMES, VALUES)
