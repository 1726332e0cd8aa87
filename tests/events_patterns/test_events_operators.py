"""Table-driven tests, one table per EventBridge pattern operator."""

import json

import pytest

from strato.services.events.patterns import (
    InvalidEvent,
    InvalidEventPattern,
    compile_pattern,
    test_event_pattern,
)


def matches(pattern: dict | str, event: dict) -> bool:
    text = pattern if isinstance(pattern, str) else json.dumps(pattern)
    return compile_pattern(text).matches(event)


def field(ops: list) -> dict:
    return {"detail": {"f": ops}}


def ev(value) -> dict:
    return {"detail": {"f": value}}


CASES = [
    # exact values
    ("string", ["a"], "a", True),
    ("string other", ["a"], "b", False),
    ("string vs number", ["5"], 5, False),
    ("number vs string", [5], "5", False),
    ("int equals float", [5], 5.0, True),
    ("float equals int", [5.0], 5, True),
    ("numbers agree to 6 decimals", [1.0000001], 1.0000002, True),
    ("large account number", [123456789012], 123456789012, True),
    ("large account number differs", [123456789012], 123456789013, False),
    ("true", [True], True, True),
    ("true vs false", [True], False, False),
    ("true vs string", [True], "true", False),
    ("null", [None], None, True),
    ("null vs string null", [None], "null", False),
    ("empty string", [""], "", True),
    ("any of list", ["a", "b"], "b", True),
    ("array event any element", ["b"], ["a", "b"], True),
    ("array event no element", ["c"], ["a", "b"], False),
    ("empty array event", ["a"], [], False),
    ("ip literal", ["10.0.0.1"], "10.0.0.1", True),
    ("exactly", [{"exactly": "a*"}], "a*", True),
    # prefix / suffix
    ("prefix", [{"prefix": "ab"}], "abc", True),
    ("prefix no", [{"prefix": "ab"}], "xabc", False),
    ("prefix number", [{"prefix": "1"}], 12, False),
    ("prefix empty", [{"prefix": ""}], "x", True),
    ("prefix ignore case", [{"prefix": {"equals-ignore-case": "AB"}}], "abc", True),
    ("suffix", [{"suffix": ".png"}], "a.png", True),
    ("suffix case", [{"suffix": ".png"}], "a.PNG", False),
    ("suffix ignore case", [{"suffix": {"equals-ignore-case": ".png"}}], "a.PNG", True),
    # equals-ignore-case
    ("ignore case", [{"equals-ignore-case": "Hello"}], "hELLO", True),
    ("ignore case no", [{"equals-ignore-case": "Hello"}], "hELLO!", False),
    ("ignore case number", [{"equals-ignore-case": "1"}], 1, False),
    # anything-but
    ("anything-but string", [{"anything-but": "a"}], "b", True),
    ("anything-but same", [{"anything-but": "a"}], "a", False),
    ("anything-but null", [{"anything-but": "a"}], None, True),
    ("anything-but number type", [{"anything-but": "a"}], 1, True),
    ("anything-but number", [{"anything-but": 5}], 5.0, False),
    ("anything-but list", [{"anything-but": ["a", "b"]}], "b", False),
    ("anything-but array any", [{"anything-but": "a"}], ["a", "c"], True),
    ("anything-but array all", [{"anything-but": "a"}], ["a", "a"], False),
    ("anything-but prefix", [{"anything-but": {"prefix": "in"}}], "init", False),
    ("anything-but prefix other", [{"anything-but": {"prefix": "in"}}], "out", True),
    ("anything-but suffix list", [{"anything-but": {"suffix": [".a", ".b"]}}], "x.b", False),
    ("anything-but ignore case", [{"anything-but": {"equals-ignore-case": "A"}}], "a", False),
    ("anything-but wildcard", [{"anything-but": {"wildcard": "a*c"}}], "abc", False),
    ("anything-but wildcard other", [{"anything-but": {"wildcard": "a*c"}}], "abd", True),
    # numeric
    ("gt", [{"numeric": [">", 0]}], 1, True),
    ("gt equal", [{"numeric": [">", 0]}], 0, False),
    ("ge", [{"numeric": [">=", 0]}], 0, True),
    ("lt", [{"numeric": ["<", 10]}], 10, False),
    ("le", [{"numeric": ["<=", 10]}], 10, True),
    ("eq", [{"numeric": ["=", 301.8]}], 301.8, True),
    ("range in", [{"numeric": [">", 0, "<=", 5]}], 5, True),
    ("range out", [{"numeric": [">", 0, "<=", 5]}], 5.5, False),
    ("numeric vs string", [{"numeric": [">", 0]}], "5", False),
    ("numeric vs bool", [{"numeric": [">", 0]}], True, False),
    ("numeric out of range event", [{"numeric": [">", 0]}], 6e9, False),
    ("negative", [{"numeric": ["<", -1.5]}], -2, True),
    # exists
    ("exists true", [{"exists": True}], "x", True),
    ("exists true null", [{"exists": True}], None, True),
    ("exists true empty array", [{"exists": True}], [], False),
    ("exists true object", [{"exists": True}], {"x": 1}, False),
    ("exists false present", [{"exists": False}], "x", False),
    ("exists false object", [{"exists": False}], {"x": 1}, True),
    # cidr
    ("cidr v4", [{"cidr": "10.0.0.0/24"}], "10.0.0.255", True),
    ("cidr v4 out", [{"cidr": "10.0.0.0/24"}], "10.0.1.0", False),
    ("cidr bad ip", [{"cidr": "10.0.0.0/24"}], "10.0.0.256", False),
    ("cidr v6", [{"cidr": "2001:db8::/32"}], "2001:0db8:ffff::1", True),
    ("cidr v6 out", [{"cidr": "2001:db8::/32"}], "2001:db9::1", False),
    ("cidr v4 vs v6", [{"cidr": "10.0.0.0/8"}], "::a00:1", False),
    # wildcard
    ("wildcard", [{"wildcard": "a*c"}], "abbbc", True),
    ("wildcard empty run", [{"wildcard": "a*c"}], "ac", True),
    ("wildcard no", [{"wildcard": "a*c"}], "abcd", False),
    ("wildcard escaped star", [{"wildcard": "a\\*c"}], "a*c", True),
    ("wildcard escaped star literal", [{"wildcard": "a\\*c"}], "abc", False),
    ("wildcard backslash", [{"wildcard": "a\\\\c"}], "a\\c", True),
    ("wildcard no regex", [{"wildcard": "a.c"}], "abc", False),
    ("wildcard number", [{"wildcard": "1*"}], 12, False),
    # several operators on a field: any one suffices
    ("or of operators", [{"prefix": "x"}, {"numeric": [">", 3]}], 4, True),
    ("exists false or value", ["a", {"exists": False}], "b", False),
]


@pytest.mark.parametrize(
    ("ops", "value", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_operator(ops, value, expected) -> None:
    assert matches(field(ops), ev(value)) is expected


def test_missing_field_only_matches_exists_false() -> None:
    for ops in (["a"], [{"anything-but": "a"}], [{"prefix": ""}], [{"exists": True}]):
        assert not matches(field(ops), {"detail": {}})
    assert matches(field([{"exists": False}]), {"detail": {}})
    assert matches(field([{"exists": False}]), {})


def test_nested_objects_and_dotted_keys() -> None:
    pattern = {"detail": {"a": {"b": ["x"]}}}
    assert matches(pattern, {"detail": {"a": {"b": "x"}}})
    assert matches(pattern, {"detail": {"a.b": "x"}})
    assert matches(pattern, {"detail": {"a": [{"b": "y"}, {"b": "x"}]}})
    assert not matches(pattern, {"detail": {"a": {"b": {"c": "x"}}}})


def test_fields_are_anded() -> None:
    pattern = {"source": ["s"], "detail": {"n": [{"numeric": [">", 1]}]}}
    assert matches(pattern, {"source": "s", "detail": {"n": 2}})
    assert not matches(pattern, {"source": "t", "detail": {"n": 2}})
    assert not matches(pattern, {"source": "s", "detail": {"n": 1}})


def test_or_branches() -> None:
    pattern = {"source": ["s"], "$or": [{"a": ["1"]}, {"b": ["2"], "c": ["3"]}]}
    assert matches(pattern, {"source": "s", "a": "1"})
    assert matches(pattern, {"source": "s", "b": "2", "c": "3"})
    assert not matches(pattern, {"source": "s", "b": "2"})
    assert not matches(pattern, {"source": "x", "a": "1"})
    nested = {"$or": [{"a": ["1"]}, {"$or": [{"b": ["2"]}, {"c": ["3"]}]}]}
    assert matches(nested, {"c": "3"})
    assert not matches(nested, {"d": "3"})


def test_duplicate_keys_last_wins_but_all_validated() -> None:
    text = '{"a": ["x"], "a": ["y"]}'
    assert compile_pattern(text).matches({"a": "y"})
    assert not compile_pattern(text).matches({"a": "x"})
    with pytest.raises(InvalidEventPattern):
        compile_pattern('{"a": [{"prefix": 1}], "a": ["y"]}')


def test_event_text_with_duplicate_keys_sees_every_value() -> None:
    pattern = compile_pattern('{"a": ["x"]}')
    assert pattern.matches_text('{"a": "x", "a": "y"}')


INVALID = [
    ("[1]", "Filter is not an object"),
    ('"x"', "Filter is not an object"),
    ("{}", "Empty objects are not allowed"),
    ('{"a": {}}', "Empty objects are not allowed"),
    ('{"a": "x"}', '"a" must be an object or an array'),
    ('{"a": []}', "Empty arrays are not allowed"),
    ('{"a": [["x"]]}', "Match value must be String, number, true, false, or null"),
    ('{"a": [{}]}', "Match expression name not found"),
    ('{"a": [{"prefix": "x", "suffix": "y"}]}', "Only one key allowed in match expression"),
    ('{"a": [{"Prefix": "x"}]}', "Unrecognized match type Prefix"),
    ('{"a": [{"prefix": {"x": "y"}}]}', "Unsupported prefix pattern: x"),
    (
        '{"a": [{"suffix": {"equals-ignore-case": 1}}]}',
        "equals-ignore-case match pattern must be a string",
    ),
    ('{"a": [{"exists": "true"}]}', "exists match pattern must be either true or false."),
    (
        '{"a": [{"anything-but": true}]}',
        "Value of anything-but must be an array or single string/number value.",
    ),
    (
        '{"a": [{"anything-but": ["x", 1]}]}',
        "Inside anything but list, either all values are number or string, mixed type is not supported",
    ),
    (
        '{"a": [{"anything-but": [null]}]}',
        "Inside anything but list, start|null|boolean is not supported.",
    ),
    ('{"a": [{"anything-but": {"contains": "x"}}]}', "Unsupported anything-but pattern: contains"),
    ('{"a": [{"anything-but": {"prefix": ""}}]}', "Null prefix/suffix not allowed"),
    ('{"a": [{"numeric": ["=", "5"]}]}', "Value of equals must be numeric"),
    ('{"a": [{"numeric": ["!=", 5]}]}', "Unrecognized numeric range operator: !="),
    ('{"a": [{"numeric": [5]}]}', "Invalid member in numeric match: 5"),
    ('{"a": [{"numeric": ["<", 5, ">", 1]}]}', "Too many elements in numeric expression"),
    ('{"a": [{"numeric": [">", 5, "<", 1]}]}', "Bottom must be less than top"),
    ('{"a": [{"numeric": [">", 1, "<", 5, 6]}]}', "Too many terms in numeric range expression"),
    ('{"a": [{"numeric": [">", 6e9]}]}', "Value must be between -5.0E9 and 5.0E9, inclusive"),
    ('{"a": [{"cidr": "10.0.0.0/33"}]}', "IPv4 mask bits must be < 32"),
    ('{"a": [{"cidr": "10.0.0.0"}]}', "Malformed CIDR, one '/' required"),
    ('{"a": [{"wildcard": "a**"}]}', "Consecutive wildcard characters at pos 2"),
    ('{"a": [{"wildcard": "a\\\\b"}]}', "Invalid escape character at pos 2"),
    ('{"$or": [{"a": ["1"]}]}', "There must have at least 2 Objects in $or relationship."),
    ('{"$or": {"a": ["1"]}}', "It must be an Array followed with $or."),
    ('{"$or": [{"a": ["1"]}, "b"]}', "Only JSON object is allowed in array of $or relationship."),
    (
        '{"$or": [{"a": ["1"]}, {"prefix": ["b"]}]}',
        "prefix is Ruler reserved fieldName which cannot be used inside $or.",
    ),
]


@pytest.mark.parametrize(("text", "reason"), INVALID, ids=[r for _, r in INVALID])
def test_invalid_patterns(text: str, reason: str) -> None:
    with pytest.raises(InvalidEventPattern) as caught:
        compile_pattern(text)
    assert caught.value.code == "InvalidEventPatternException"
    assert str(caught.value) == f"Event pattern is not valid. Reason: {reason}"


def test_bad_json_is_an_invalid_pattern() -> None:
    for text in ("", "{", '{"a": [NaN]}', "{'a': ['x']}"):
        with pytest.raises(InvalidEventPattern):
            compile_pattern(text)


GOOD_EVENT = {
    "id": "1",
    "account": "123456789012",
    "source": "s",
    "time": "2022-07-13T13:48:01Z",
    "region": "us-east-1",
    "detail-type": "t",
    "detail": {"a": 1},
}


def test_test_event_pattern_answers_and_validates_the_event() -> None:
    assert test_event_pattern('{"source": ["s"]}', json.dumps(GOOD_EVENT)) is True
    assert test_event_pattern('{"source": ["x"]}', json.dumps(GOOD_EVENT)) is False
    for missing in ("id", "account", "source", "time", "region", "detail-type"):
        event = {k: v for k, v in GOOD_EVENT.items() if k != missing}
        with pytest.raises(InvalidEvent) as caught:
            test_event_pattern('{"source": ["s"]}', json.dumps(event))
        assert caught.value.code == "ValidationException"
    for text in ("not json", "[]", '"x"'):
        with pytest.raises(InvalidEvent):
            test_event_pattern('{"source": ["s"]}', text)
    with pytest.raises(InvalidEventPattern):
        test_event_pattern("{}", json.dumps(GOOD_EVENT))
