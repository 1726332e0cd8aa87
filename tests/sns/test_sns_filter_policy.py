"""The SNS filter policy matcher, table-driven: every operator on attributes and on bodies."""

from __future__ import annotations

import json

import pytest

from strato.services.sns import filter_policy as fp


def s(v: str) -> dict:
    return {"DataType": "String", "StringValue": v}


def n(v) -> dict:
    return {"DataType": "Number", "StringValue": str(v)}


def arr(*v) -> dict:
    return {"DataType": "String.Array", "StringValue": json.dumps(list(v))}


ATTRIBUTE_CASES = [
    ({"a": ["x"]}, {"a": s("x")}, True),
    ({"a": ["x"]}, {"a": s("y")}, False),
    ({"a": ["x"]}, {}, False),
    ({"a": [5]}, {"a": n("5.0")}, True),
    ({"a": [5]}, {"a": s("5")}, False),
    ({"a": [{"anything-but": ["x", "y"]}]}, {"a": s("z")}, True),
    ({"a": [{"anything-but": ["x", "y"]}]}, {"a": s("x")}, False),
    ({"a": [{"anything-but": {"prefix": "ab"}}]}, {"a": s("abc")}, False),
    ({"a": [{"anything-but": {"suffix": "bc"}}]}, {"a": s("xyz")}, True),
    ({"a": [{"anything-but": 3}]}, {"a": n(4)}, True),
    ({"a": [{"numeric": [">=", 0, "<", 10]}]}, {"a": n(0)}, True),
    ({"a": [{"numeric": [">=", 0, "<", 10]}]}, {"a": n(10)}, False),
    ({"a": [{"numeric": ["=", 3.5]}]}, {"a": n("3.5")}, True),
    ({"a": [{"numeric": [">", 1]}]}, {"a": s("5")}, False),
    ({"a": [{"prefix": "ab"}]}, {"a": s("abc")}, True),
    ({"a": [{"suffix": ".png"}]}, {"a": s("x.jpg")}, False),
    ({"a": [{"equals-ignore-case": "HeLLo"}]}, {"a": s("hello")}, True),
    ({"a": [{"exists": True}]}, {"a": s("any")}, True),
    ({"a": [{"exists": True}]}, {}, False),
    ({"a": [{"exists": False}]}, {}, True),
    ({"a": [{"exists": False}]}, {"a": s("x")}, False),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": s("10.0.0.7")}, True),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": s("10.0.1.7")}, False),
    ({"a": ["x"]}, {"a": arr("w", "x")}, True),
    ({"a": ["x"]}, {"a": arr("w")}, False),
    ({"a": ["x"], "b": ["y"]}, {"a": s("x"), "b": s("z")}, False),
    ({"$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"b": s("y")}, True),
    ({"$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"b": s("z")}, False),
    ({"c": ["k"], "$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"a": s("x"), "c": s("k")}, True),
]


@pytest.mark.parametrize("policy,attributes,expected", ATTRIBUTE_CASES)
def test_attributes(policy, attributes, expected):
    assert fp.matches_attributes(fp.parse(json.dumps(policy)), attributes) is expected


BODY_CASES = [
    ({"a": {"b": ["x"]}}, {"a": {"b": "x"}}, True),
    ({"a": {"b": ["x"]}}, {"a": {"b": "y"}}, False),
    ({"a": {"b": ["x"]}}, {"a": "x"}, False),
    ({"a": [1]}, {"a": 1}, True),
    ({"a": [1]}, {"a": "1"}, False),
    ({"a": ["x"]}, {"a": ["w", "x"]}, True),
    ({"a": {"b": ["x"]}}, {"a": [{"b": "y"}, {"b": "x"}]}, True),
    ({"a": [{"numeric": ["<", 0]}]}, {"a": -1.5}, True),
    ({"a": [True]}, {"a": True}, True),
    ({"a": [None]}, {"a": None}, True),
    ({"a": [{"exists": False}]}, {"b": 1}, True),
    ({"$or": [{"a": ["x"]}, {"b": {"c": [{"prefix": "p"}]}}]}, {"b": {"c": "pq"}}, True),
]


@pytest.mark.parametrize("policy,body,expected", BODY_CASES)
def test_body(policy, body, expected):
    assert fp.matches_body(fp.parse(json.dumps(policy)), json.dumps(body)) is expected


def test_body_must_be_a_json_object():
    assert fp.matches_body({"a": ["x"]}, "plain text") is False


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "nope",
        '{"a": "x"}',
        '{"a": []}',
        '{"a": [{"numeric": [">"]}]}',
        '{"a": [{"numeric": ["~", 1]}]}',
        '{"a": [{"exists": "yes"}]}',
        '{"a": [{"prefix": 1}]}',
        '{"a": [{"cidr": "not-an-ip"}]}',
        '{"a": [{"prefix": "x", "suffix": "y"}]}',
        '{"$or": [{"a": ["x"]}]}',
        '{"a": [{"wildcard": "*"}]}',
    ],
)
def test_invalid_policies(text):
    with pytest.raises(fp.InvalidFilterPolicy):
        fp.parse(text)
