"""Applying updates to items, and the errors AWS raises while applying them."""

from __future__ import annotations

import copy

import pytest

from strato.services.dynamodb.expressions import (
    DynamoValidationError,
    apply_update,
    parse_update,
    project,
)

VALUES = {
    ":one": {"N": "1"},
    ":five": {"N": "5.50"},
    ":neg": {"N": "-10"},
    ":s": {"S": "new"},
    ":l": {"L": [{"S": "x"}, {"S": "y"}]},
    ":empty": {"L": []},
    ":ss": {"SS": ["b", "c"]},
    ":ss_all": {"SS": ["a", "b"]},
    ":ns": {"NS": ["2", "3.0"]},
    ":bs": {"BS": [b"\x01"]},
    ":m": {"M": {"k": {"S": "v"}}},
}
ITEM = {
    "pk": {"S": "k"},
    "n": {"N": "10"},
    "s": {"S": "old"},
    "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]},
    "m": {"M": {"a": {"N": "1"}, "b": {"S": "x"}, "inside": {"M": {"z": {"N": "0"}}}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "bs": {"BS": [b"\x01", b"\x02"]},
}


def applied(text: str, item: dict | None = None) -> tuple[dict, set[str]]:
    used = {k: v for k, v in VALUES.items() if k in text}
    return apply_update(parse_update(text, None, used or None), ITEM if item is None else item)


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("SET s = :s", {"s": {"S": "new"}}),
        ("SET fresh = :s", {"fresh": {"S": "new"}}),
        ("SET n = n + :five", {"n": {"N": "15.5"}}),
        ("SET n = n - :five", {"n": {"N": "4.5"}}),
        ("SET n = :neg + n", {"n": {"N": "0"}}),
        ("SET c = if_not_exists(c, :one) + :one", {"c": {"N": "2"}}),
        ("SET n = if_not_exists(n, :one) + :one", {"n": {"N": "11"}}),
        ("SET s = if_not_exists(s, :s)", {}),
        ("SET l = list_append(l, :l)", {"l": {"L": [{"S": c} for c in "abcdxy"]}}),
        ("SET l = list_append(:l, l)", {"l": {"L": [{"S": c} for c in "xyabcd"]}}),
        (
            "SET f = list_append(if_not_exists(f, :empty), :l)",
            {"f": {"L": [{"S": "x"}, {"S": "y"}]}},
        ),
        ("SET dup = m.inside", {"dup": {"M": {"z": {"N": "0"}}}}),
        ("SET s = n, n = s", {"s": {"N": "10"}, "n": {"S": "old"}}),  # RHS read before any SET
        (
            "SET m.b = :s, m.inside.z = :one",
            {"m": {"M": {"a": {"N": "1"}, "b": {"S": "new"}, "inside": {"M": {"z": {"N": "1"}}}}}},
        ),
        ("SET m.c = :m", {"m": {"M": {**ITEM["m"]["M"], "c": {"M": {"k": {"S": "v"}}}}}}),
        ("SET l[1] = :s", {"l": {"L": [{"S": "a"}, {"S": "new"}, {"S": "c"}, {"S": "d"}]}}),
        ("SET l[10] = :s", {"l": {"L": [{"S": c} for c in "abcd"] + [{"S": "new"}]}}),
        (
            "SET l[9] = :one, l[7] = :s",
            {"l": {"L": [{"S": c} for c in "abcd"] + [{"S": "new"}, {"N": "1"}]}},
        ),
        ("REMOVE s, gone", {"s": None}),
        ("REMOVE m.b, m.nope", {"m": {"M": {"a": {"N": "1"}, "inside": {"M": {"z": {"N": "0"}}}}}}),
        ("REMOVE l[1]", {"l": {"L": [{"S": "a"}, {"S": "c"}, {"S": "d"}]}}),
        ("REMOVE l[1], l[2]", {"l": {"L": [{"S": "a"}, {"S": "d"}]}}),  # original indexes
        ("REMOVE l[3], l[0]", {"l": {"L": [{"S": "b"}, {"S": "c"}]}}),
        ("REMOVE l[9]", {}),
        ("SET l[0] = :s REMOVE l[1]", {"l": {"L": [{"S": "new"}, {"S": "c"}, {"S": "d"}]}}),
        ("SET l[8] = :s REMOVE l[0]", {"l": {"L": [{"S": c} for c in "bcd"] + [{"S": "new"}]}}),
        ("ADD n :five", {"n": {"N": "15.5"}}),
        ("ADD c :neg", {"c": {"N": "-10"}}),
        ("ADD m.a :one", {"m": {"M": {**ITEM["m"]["M"], "a": {"N": "2"}}}}),
        ("ADD ss :ss", {"ss": {"SS": ["a", "b", "c"]}}),
        ("ADD ns :ns", {"ns": {"NS": ["1", "2", "3"]}}),
        ("ADD fresh :ss", {"fresh": {"SS": ["b", "c"]}}),
        ("ADD bs :bs", {}),
        ("DELETE ss :ss", {"ss": {"SS": ["a"]}}),
        ("DELETE ss :ss_all", {"ss": None}),
        ("DELETE ns :ns", {"ns": {"NS": ["1"]}}),
        ("DELETE bs :bs", {"bs": {"BS": [b"\x02"]}}),
        ("DELETE gone :ss", {}),
    ],
)
def test_updates(text: str, changes: dict) -> None:
    before = copy.deepcopy(ITEM)
    new, touched = applied(text)
    expected = {**ITEM, **changes}
    expected = {k: v for k, v in expected.items() if v is not None}
    assert new == expected
    assert ITEM == before  # the input item is never modified
    assert touched == {word.split(".")[0].split("[")[0] for word in _targets(text)}


def _targets(text: str) -> list[str]:
    """The first word of each action: after a clause keyword or a comma outside parentheses."""
    targets, expecting, depth = [], False, 0
    for part in text.replace(",", " , ").replace("(", " ( ").replace(")", " ) ").split():
        depth += {"(": 1, ")": -1}.get(part, 0)
        if part.upper() in ("SET", "REMOVE", "ADD", "DELETE") or (part == "," and depth == 0):
            expecting = True
        elif expecting:
            targets.append(part)
            expecting = False
    return targets


def test_update_of_a_missing_item() -> None:
    new, touched = applied("SET s = :s ADD n :one, tags :ss", item={})
    assert new == {"s": {"S": "new"}, "n": {"N": "1"}, "tags": {"SS": ["b", "c"]}}
    assert touched == {"s", "n", "tags"}


INVALID_PATH = "The document path provided in the update expression is invalid for update"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SET gone.x = :s", INVALID_PATH),
        ("SET m.nope.x = :s", INVALID_PATH),
        ("SET s.x = :s", INVALID_PATH),
        ("SET m[0] = :s", INVALID_PATH),
        ("SET l.x = :s", INVALID_PATH),
        ("REMOVE gone.x", INVALID_PATH),
        ("REMOVE gone[0]", INVALID_PATH),
        ("ADD gone.x :one", INVALID_PATH),
        ("DELETE gone.x :ss", INVALID_PATH),
        ("SET a = gone", MISSING),
        ("SET a = m.nope", MISSING),
        ("SET a = gone + :one", MISSING),
        ("SET a = list_append(gone, :l)", MISSING),
        ("SET a = s + :one", WRONG_TYPE),
        ("SET a = :one - s", WRONG_TYPE),
        ("SET a = list_append(s, :l)", WRONG_TYPE),
        ("SET a = list_append(:l, m)", WRONG_TYPE),
        ("ADD s :one", WRONG_TYPE),
        ("ADD ss :ns", WRONG_TYPE),
        ("ADD n :ss", WRONG_TYPE),
        ("DELETE ss :ns", WRONG_TYPE),
        ("DELETE s :ss", WRONG_TYPE),
    ],
)
def test_runtime_errors(text: str, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        applied(text)
    assert caught.value.message == message


def test_arithmetic_overflow_is_rejected() -> None:
    values = {":a": {"N": "9.9e125"}, ":b": {"N": "9.9e125"}}
    update = parse_update("SET n = :a + :b", None, values)
    with pytest.raises(DynamoValidationError) as caught:
        apply_update(update, {})
    assert caught.value.message.startswith("Number overflow")


def test_updated_values_come_from_projecting_the_touched_paths() -> None:
    update = parse_update(
        "SET m.a = :one, l[1] = :s REMOVE s", None, {":one": VALUES[":one"], ":s": VALUES[":s"]}
    )
    new, _ = apply_update(update, ITEM)
    assert project(update.projection, ITEM) == {
        "m": {"M": {"a": {"N": "1"}}},
        "l": {"L": [{"S": "b"}]},
        "s": {"S": "old"},
    }
    assert project(update.projection, new) == {
        "m": {"M": {"a": {"N": "1"}}},
        "l": {"L": [{"S": "new"}]},
    }
