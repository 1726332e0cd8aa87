"""AWS's JSONPath subset: reads, ResultPath writes, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strato.asl import jsonpath
from strato.asl.errors import PathNotFound

DOC = {
    "store": {
        "book": [
            {"title": "A", "price": 8, "tags": ["x"]},
            {"title": "B", "price": 12, "isbn": "1"},
            {"title": "C", "price": 30, "isbn": "2"},
        ],
        "delivery-partner": "UQS",
        "weird key": 1,
    },
    "n": None,
    "flag": False,
}


@pytest.mark.parametrize(
    "path, expected",
    [
        ("$", DOC),
        ("$.store.delivery-partner", "UQS"),
        ("$.store['weird key']", 1),
        ('$["store"]["book"][0].title', "A"),
        ("$.store.book[-1].title", "C"),
        ("$.n", None),
        ("$.flag", False),
        ("$.store.book.length()", 3),
        ("$.store.book[*].title", ["A", "B", "C"]),
        ("$.store.book[0:2].title", ["A", "B"]),
        ("$.store.book[::2].title", ["A", "C"]),
        ("$.store.book[0,2].title", ["A", "C"]),
        ("$.store.book[?(@.price < 20)].title", ["A", "B"]),
        ("$.store.book[?(@.price >= 12 && @.price <= 12)].title", ["B"]),
        ("$.store.book[?(@.price == 8 || @.title == 'C')].title", ["A", "C"]),
        ("$.store.book[?(@.isbn)].title", ["B", "C"]),
        ("$.store.book[?(!@.isbn)].title", ["A"]),
        ("$.store.book[?(@.title != 'A')].price", [12, 30]),
        ("$..title", ["A", "B", "C"]),
        ("$..nothing", []),
        ("$.store.book[?(@.price > 100)]", []),
    ],
)
def test_reads(path, expected):
    assert jsonpath.evaluate(path, DOC) == expected


@pytest.mark.parametrize(
    "path, normalized",
    [
        ("$.missing", "$['missing']"),
        ("$.store.book[7]", "$['store']['book'][7]"),
        ("$.store.delivery-partner.deeper", "$['store']['delivery-partner']['deeper']"),
        ("$.n.x", "$['n']['x']"),
    ],
)
def test_a_definite_path_that_matches_nothing_raises(path, normalized):
    with pytest.raises(PathNotFound) as info:
        jsonpath.evaluate(path, DOC)
    assert info.value.normalized == normalized


@pytest.mark.parametrize("bad", ["store", "$.", "$.a[", "$.a[?(@.x ==)]", "$[foo]"])
def test_syntax_errors(bad):
    with pytest.raises(jsonpath.JSONPathSyntaxError):
        jsonpath.parse(bad)


def test_roots_for_context_and_variables():
    assert jsonpath.parse("$$.Execution.Id").root == "$$"
    assert jsonpath.parse("$myVar.a[0]").root == "$myVar"
    assert jsonpath.parse("$.a").root == "$"
    assert jsonpath.parse("$.a").definite
    assert not jsonpath.parse("$.a[*]").definite


@pytest.mark.parametrize(
    "data, path, value, expected",
    [
        ({"a": 1}, "$", 5, 5),
        ({"a": 1}, "$.b", 2, {"a": 1, "b": 2}),
        ({"a": 1}, "$.x.y.z", 2, {"a": 1, "x": {"y": {"z": 2}}}),
        ({"a": {"b": 1}}, "$.a.c", 2, {"a": {"b": 1, "c": 2}}),
        ({"a": [1, 2]}, "$.a[1]", 9, {"a": [1, 9]}),
        ({"a": None}, "$.a.b", 1, {"a": {"b": 1}}),
        ({}, "$['odd key']", 1, {"odd key": 1}),
    ],
)
def test_result_path_writes(data, path, value, expected):
    before = repr(data)
    assert jsonpath.assign(data, path, value) == expected
    assert repr(data) == before, "the input must not be modified"


@pytest.mark.parametrize(
    "data, path",
    [
        ({"a": 1}, "$.a.b"),
        ("text", "$.a"),
        ({"a": [1]}, "$.a[3]"),
        ({"a": 1}, "$.a[*]"),
    ],
)
def test_result_path_writes_that_cannot_work(data, path):
    with pytest.raises(PathNotFound):
        jsonpath.assign(data, path, 1)


keys = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=1)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(keys, json_values, max_size=4), st.lists(keys, min_size=1, max_size=4))
def test_what_is_written_can_be_read_back(data, path_keys):
    path = "$" + "".join(f"['{k}']" for k in path_keys)
    try:
        written = jsonpath.assign(data, path, {"marker": True})
    except PathNotFound:
        return  # a scalar was in the way: AWS fails too
    assert jsonpath.evaluate(path, written) == {"marker": True}
    dotted = "$." + ".".join(path_keys)
    assert jsonpath.evaluate(dotted, written) == {"marker": True}
