"""Evaluating conditions: comparisons, functions, document paths, precedence."""

from __future__ import annotations

import pytest

from strato.services.dynamodb.expressions import evaluate, parse_condition

ITEM = {
    "pk": {"S": "user#1"},
    "n": {"N": "10"},
    "price": {"N": "-2.5"},
    "s": {"S": "hello world"},
    "b": {"B": b"\x01\x02\x03"},
    "t": {"BOOL": True},
    "z": {"NULL": True},
    "ss": {"SS": ["red", "green"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x01", b"\x02"]},
    "l": {"L": [{"S": "a"}, {"N": "2"}, {"M": {"deep": {"S": "x"}}}]},
    "m": {"M": {"inside": {"M": {"leaf": {"N": "7"}}}, "lst": {"L": [{"N": "1"}]}}},
    "a.b": {"S": "dotted"},
}
VALUES = {
    ":ten": {"N": "10.0"},
    ":nine": {"N": "9"},
    ":eleven": {"N": "11"},
    ":neg": {"N": "-2.50"},
    ":ten_s": {"S": "10"},
    ":hello": {"S": "hello"},
    ":world": {"S": "world"},
    ":hw": {"S": "hello world"},
    ":red": {"S": "red"},
    ":blue": {"S": "blue"},
    ":b12": {"B": b"\x01\x02"},
    ":b23": {"B": b"\x02\x03"},
    ":b1": {"B": b"\x01"},
    ":one": {"N": "1"},
    ":two5": {"N": "2.50"},
    ":a": {"S": "a"},
    ":two": {"N": "2"},
    ":true": {"BOOL": True},
    ":false": {"BOOL": False},
    ":null": {"NULL": True},
    ":seven": {"N": "7"},
    ":three": {"N": "3"},
    ":ss": {"SS": ["green", "red"]},
    ":l": {"L": [{"S": "a"}, {"N": "2.0"}, {"M": {"deep": {"S": "x"}}}]},
    ":S": {"S": "S"},
    ":N": {"N": "1"},
    ":type_ss": {"S": "SS"},
    ":type_m": {"S": "M"},
    ":type_null": {"S": "NULL"},
    ":deep": {"M": {"deep": {"S": "x"}}},
}
NAMES = {"#dotted": "a.b", "#n": "n"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # numbers compare numerically, whatever their spelling
        ("n = :ten", True),
        ("n <> :ten", False),
        ("n > :nine AND n < :eleven", True),
        ("n >= :ten AND n <= :ten", True),
        ("price = :neg", True),
        ("price < :one", True),
        # different types are never equal or ordered, and never an error
        ("n = :ten_s", False),
        ("n <> :ten_s", True),
        ("n < :ten_s", False),
        ("n > :ten_s", False),
        # strings and binary order by bytes
        ("s > :hello", True),
        ("s >= :hw AND s <= :hw", True),
        ("b > :b12", True),
        ("b < :b23", True),
        # gone attributes: comparisons are false, except <>
        ("gone = :ten", False),
        ("gone <> :ten", True),
        ("gone < :ten", False),
        ("gone = other_gone", False),
        ("gone <> other_gone", False),
        # BETWEEN and IN
        ("n BETWEEN :nine AND :eleven", True),
        ("n BETWEEN :ten AND :ten", True),
        ("n BETWEEN :eleven AND :eleven", False),
        ("s BETWEEN :hello AND :hw", True),
        ("n IN (:nine, :ten)", True),
        ("n IN (:nine, :eleven)", False),
        ("gone IN (:nine)", False),
        ("ss IN (:ss)", True),
        ("l IN (:l, :a)", True),
        # functions
        ("attribute_exists(n)", True),
        ("attribute_exists(gone)", False),
        ("attribute_not_exists(gone)", True),
        ("attribute_exists(z)", True),
        ("attribute_exists(m.inside.leaf)", True),
        ("attribute_exists(m.inside.nope)", False),
        ("attribute_exists(l[2].deep)", True),
        ("attribute_exists(l[3])", False),
        ("attribute_exists(l.deep)", False),
        ("attribute_exists(m[0])", False),
        ("attribute_type(s, :S)", True),
        ("attribute_type(n, :S) OR attribute_type(s, :type_m)", False),
        ("attribute_type(ss, :type_ss)", True),
        ("attribute_type(m, :type_m)", True),
        ("attribute_type(z, :type_null)", True),
        ("attribute_type(gone, :S)", False),
        ("begins_with(s, :hello)", True),
        ("begins_with(s, :world)", False),
        ("begins_with(b, :b12)", True),
        ("begins_with(b, :b23)", False),
        ("begins_with(n, :hello)", False),
        ("begins_with(gone, :hello)", False),
        ("contains(s, :world)", True),
        ("contains(s, :red)", False),
        ("contains(ss, :red)", True),
        ("contains(ss, :blue)", False),
        ("contains(ns, :two5)", True),
        ("contains(ns, :two)", False),
        ("contains(bs, :b1)", True),
        ("contains(b, :b23)", True),
        ("contains(l, :a)", True),
        ("contains(l, :two)", True),
        ("contains(l, :deep)", True),
        ("contains(l, :hello)", False),
        ("contains(m, :a)", False),
        ("contains(gone, :a)", False),
        ("contains(s, n)", False),
        # size
        ("size(s) = :eleven", True),
        ("size(b) = :three", True),
        ("size(ss) = :two", True),
        ("size(l) = :three", True),
        ("size(m) = :two", True),
        ("size(n) = :two", False),
        ("size(gone) = :two", False),
        ("size(gone) <> :two", True),
        ("size(s) > size(l)", True),
        # document paths
        ("m.inside.leaf = :seven", True),
        ("m.lst[0] = :one", True),
        ("m.lst[1] = :one", False),
        ("l[1] = :two", True),
        ("l[2].deep = :deep", False),
        ("#dotted = :hw", False),
        ("attribute_exists(#dotted)", True),
        ("attribute_exists(a.b)", False),
        ("#n = :ten", True),
        # booleans and NULL
        ("t = :true", True),
        ("t = :false", False),
        ("z = :null", True),
        ("t <> :null", True),
        # a value on the left
        (":nine < n", True),
        # precedence: NOT binds tighter than AND, AND tighter than OR
        ("n = :ten OR n = :nine AND n = :eleven", True),
        ("(n = :ten OR n = :nine) AND n = :eleven", False),
        ("NOT n = :nine AND n = :ten", True),
        ("NOT (n = :ten AND n = :nine)", True),
        ("NOT n = :ten OR n = :ten", True),
        ("n = :nine AND n = :ten OR n = :ten", True),
        ("n = :nine AND (n = :ten OR n = :ten)", False),
        ("NOT NOT n = :ten", True),
    ],
)
def test_evaluation(text: str, expected: bool) -> None:
    condition = parse_condition(text, NAMES if "#" in text else None, _used(text))
    assert evaluate(condition, ITEM) is expected


def _used(text: str) -> dict:
    return {k: v for k, v in VALUES.items() if k in text}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("attribute_not_exists(pk)", True),
        ("attribute_exists(pk)", False),
        ("pk <> :ten", True),
        ("NOT contains(pk, :hello)", True),
        ("size(pk) < :ten", False),
    ],
)
def test_a_missing_item_has_no_attributes(text: str, expected: bool) -> None:
    assert evaluate(parse_condition(text, None, _used(text)), {}) is expected


def test_strings_compare_by_utf8_bytes() -> None:
    values = {":x": {"S": "\U00010000"}}
    item = {"s": {"S": "\uffff"}}
    assert evaluate(parse_condition("s < :x", None, values), item)
