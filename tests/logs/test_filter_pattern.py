"""The filter pattern engine on its own: tables of (pattern, event, match?) and properties."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strato.services.logs.filter_pattern import FilterPatternError, compile_pattern

REQUESTS = [
    "[ERROR 400] BAD REQUEST",
    "[ERROR 401] UNAUTHORIZED REQUEST",
    "[ERROR 419] MISSING ARGUMENTS",
    "[ERROR 420] INVALID ARGUMENTS",
]

TERMS = [
    # (pattern, messages that match, messages that do not)
    ("", REQUESTS + ["", "anything"], []),
    ("   ", REQUESTS, []),
    ('" "', REQUESTS + ["nospace"], []),
    ("ERROR", REQUESTS + ["ERRORNEOUS PROGRAM"], ["error=x", "Error: no", "NotFoundError"]),
    ("ERROR ARGUMENTS", REQUESTS[2:], REQUESTS[:2]),
    ("ARGUMENTS ERROR", REQUESTS[2:], REQUESTS[:2]),
    ("?BAD ?INVALID", [REQUESTS[0], REQUESTS[3]], [REQUESTS[1], REQUESTS[2]]),
    ('?"clean up" ?xyz', ["map clean up", "xyz", "xyz will do clean up"], ["map is cleaned up"]),
    ("ERROR -ARGUMENTS", REQUESTS[:2], REQUESTS[2:]),
    ('-"BAD REQUEST"', REQUESTS[1:] + ["BAD  REQUEST"], [REQUESTS[0]]),
    ("-ERROR", ["all good"], REQUESTS),
    ('"INTERNAL SERVER ERROR"', ["[ERROR 500] INTERNAL SERVER ERROR"], ["INTERNAL SERVER"]),
    ('"ERROR][grpc"', ["2025 [ERROR][grpc] failed"], ["[ERROR] [grpc]"]),
    ('"say \\"hi\\""', ['they say "hi" twice'], ["they say hi"]),
    # CloudWatch ignores ?-terms once a plain term is present.
    ("ERROR ?BAD", REQUESTS, ["BAD"]),
    ("?ERROR ?WARN -BAD", REQUESTS[1:] + ["WARN x"], [REQUESTS[0], "INFO"]),
    ("%ERR.R 4[0-9]{2}%", REQUESTS, ["ERROR 500", "ERR 401"]),
    ("%^\\[ERROR%", REQUESTS, [" [ERROR 400]"]),
]

DOC = {
    "eventType": "UpdateTrail",
    "sourceIPAddress": "123.123.1.7",
    "user": {"id": 1, "name": "Alice", "email": "alice@example.com"},
    "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3}],
    "latency": 250.5,
    "count": 0,
    "negative": -3,
    "error": None,
    "flag": True,
    "off": False,
    "tags": ["a", "b"],
    "code": "404",
}

JSON = [
    ('{ $.eventType = "UpdateTrail" }', True),
    ("{ $.eventType = UpdateTrail }", True),
    ("{$.eventType=UpdateTrail}", True),
    ('{ $.eventType = "updatetrail" }', False),
    ('{ $.eventType != "UpdateTrail" }', False),
    ('{ $.eventType != "CreateTrail" }', True),
    ('{ $.eventType = "Update*" }', True),
    ('{ $.eventType = "*Trail" }', True),
    ('{ $.eventType = "*pdat*" }', True),
    ('{ $.eventType = "Create*" }', False),
    ("{ $.sourceIPAddress = 123.123.* }", True),
    ("{ $.sourceIPAddress != 123.123.* }", False),
    ("{ $.sourceIPAddress = 124.* }", False),
    ("{ $.latency > 200 }", True),
    ("{ $.latency >= 250.5 }", True),
    ("{ $.latency > 250.5 }", False),
    ("{ $.latency < 1e3 }", True),
    ("{ $.latency <= 250 }", False),
    ("{ $.latency = 250.5 }", True),
    ("{ $.latency != 250.5 }", False),
    ("{ $.count = 0 }", True),
    ("{ $.negative < -2 }", True),
    ("{ $.negative > -2 }", False),
    ("{ $.user.id = 1 }", True),
    ("{ $.user.id = 2 }", False),
    ('{ $.user.name = "Alice" }', True),
    ('{ $.users[0].email = "John.Doe@example.com" }', True),
    ("{ $.users[1].id = 3 }", True),
    ("{ $.users[1].email NOT EXISTS }", True),
    ("{ $.users[5].id = 3 }", False),
    ("{ $.users[5] NOT EXISTS }", True),
    ('{ $.tags[1] = "b" }', True),
    ("{ $.error IS NULL }", True),
    ("{ $.user IS NULL }", False),
    ("{ $.missing IS NULL }", False),
    ("{ $.missing NOT EXISTS }", True),
    ("{ $.error NOT EXISTS }", False),
    ("{ $.flag IS TRUE }", True),
    ("{ $.flag IS FALSE }", False),
    ("{ $.off IS FALSE }", True),
    ("{ $.count IS FALSE }", False),
    # A comparison with a field the event lacks is false, even !=.
    ('{ $.missing != "x" }', False),
    ("{ $.missing > 0 }", False),
    # Strings only match strings, numbers only numbers.
    ("{ $.code = 404 }", False),
    ('{ $.code = "404" }', True),
    ('{ $.latency = "250.5" }', False),
    ('{ $.user = "*" }', False),
    ('{ $.eventType = "*" }', True),
    ("{ $.eventType = %^Upd% }", True),
    ("{ $.eventType = %^Trail% }", False),
    ('{ $.eventType = "UpdateTrail" && $.latency > 100 }', True),
    ('{ $.eventType = "UpdateTrail" && $.latency > 300 }', False),
    ('{ $.eventType = "Nope" || $.latency > 100 }', True),
    ('{ $.eventType = "Nope" || $.latency > 300 }', False),
    # && binds tighter than ||.
    ("{ $.flag IS TRUE || $.count = 1 && $.count = 2 }", True),
    ("{ ($.flag IS TRUE || $.count = 1) && $.count = 2 }", False),
    ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', True),
    ('{ (($.user.id = 2) || ($.user.name = "Alice")) && $.tags[0] = "a" }', True),
]

DELIMITED_LOG = (
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534'
)

DELIMITED = [
    ("[ip, user, username, timestamp, request, status_code, bytes]", True),
    ("[ip, user, username, timestamp, request, status_code]", False),
    ("[ip, user, username, timestamp, request, status_code, bytes, extra]", False),
    ("[ip, user, username, timestamp, request, status_code = 404, bytes]", True),
    ("[ip, user, username, timestamp, request, status_code = 200, bytes]", False),
    ("[ip, user, username, timestamp, request, status_code = 4*, bytes]", True),
    ("[ip, user, username, timestamp, request, status_code != 2*, bytes]", True),
    ("[ip, user, username, timestamp, request, status_code = 404, bytes > 1000]", True),
    ("[ip, user, username, timestamp, request, status_code = 404, bytes > 2000]", False),
    (
        "[ip, user, username, timestamp, request, status_code >= 400 && status_code < 500, bytes]",
        True,
    ),
    (
        "[ip, user, username, timestamp, request, status_code = 500 || status_code = 404, bytes]",
        True,
    ),
    (
        "[ip, user, username, timestamp, request, status_code = 500 || status_code = 503, bytes]",
        False,
    ),
    ('[ip, user, username, timestamp, request = "*apache_pb*", status_code, bytes]', True),
    ('[ip, user, username, timestamp, request = "GET /apache_pb.gif HTTP/1.0", ...]', True),
    ("[ip, user, username = frank, ...]", True),
    ("[ip, user, username = bob, ...]", False),
    ("[ip = 127.0.0.*, ...]", True),
    ('[..., timestamp = "10/Oct/2000*", request, status_code, bytes]', True),
    ("[ip, ..., status_code = 404, bytes]", True),
    ("[..., status_code = 404, bytes]", True),
    ("[..., bytes = 1534]", True),
    ("[..., bytes = 1535]", False),
    ("[ip, ..., bytes]", True),
    ("[..., username = frank, ..., bytes > 1000]", True),
    ("[..., username = bob, ..., bytes > 1000]", False),
    ("[...]", True),
    ("[ip, user = -, ...]", True),
    # Numeric comparisons need a numeric field.
    ("[ip, user, username > 5, ...]", False),
]

INVALID = [
    "{",
    "{ }",
    "{ $.a = }",
    "{ $.a }",
    "{ a = 1 }",
    "{ $ = 1 }",
    "{ $.a = 1 ",
    "{ $.a = 1 } trailing",
    "{ $.a > abc }",
    '{ $.a < "5" }',
    "{ $.a IS MAYBE }",
    "{ $.a = 1 && }",
    "{ $.a = 1 & $.b = 2 }",
    "{ $.a = 1 | $.b = 2 }",
    "{ ($.a = 1 }",
    "{ $.a ! 1 }",
    "{ $.a[x] = 1 }",
    '"unterminated',
    'ab"cd',
    '"ab"cd',
    "?",
    "ERROR -",
    "[",
    "[]",
    "[a,,b]",
    "[a, b",
    "[a, b] trailing",
    "[a, b = ]",
    "[a, b > x]",
    "[a, b = 1 || c = 2]",
    "{ $.a = %(x)% }",
    "%(group)%",
    "x" * 1025,
]


@pytest.mark.parametrize(("pattern", "hits", "misses"), TERMS)
def test_term_patterns(pattern, hits, misses):
    compiled = compile_pattern(pattern)
    for message in hits:
        assert compiled.matches(message), (pattern, message)
    for message in misses:
        assert not compiled.matches(message), (pattern, message)


@pytest.mark.parametrize(("pattern", "expected"), JSON)
def test_json_patterns(pattern, expected):
    assert compile_pattern(pattern).matches(json.dumps(DOC)) is expected


def test_json_patterns_only_match_json_events():
    pattern = compile_pattern('{ $.eventType = "UpdateTrail" }')
    assert not pattern.matches('eventType = "UpdateTrail"')
    assert not pattern.matches('"UpdateTrail"')
    assert not pattern.matches("")
    assert compile_pattern("{ $.missing NOT EXISTS }").matches("{}")
    assert compile_pattern("{ $[1].id = 7 }").matches('[{"id": 6}, {"id": 7}]')


@pytest.mark.parametrize(("pattern", "expected"), DELIMITED)
def test_space_delimited_patterns(pattern, expected):
    assert compile_pattern(pattern).matches(DELIMITED_LOG) is expected


def test_space_delimited_fields_split_on_quotes_and_brackets():
    pattern = compile_pattern('[level, msg = "disk full", code]')
    assert pattern.matches('WARN "disk full" 7')
    assert not pattern.matches("WARN disk full 7")
    assert compile_pattern("[a, b = x*]").matches("1   x2")


@pytest.mark.parametrize("pattern", INVALID)
def test_invalid_patterns_are_rejected(pattern):
    with pytest.raises(FilterPatternError):
        compile_pattern(pattern)


# -- properties ----------------------------------------------------------------
WORD = st.text(alphabet="abcXYZ019_.:", min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=8), st.data())
def test_every_term_taken_from_the_event_matches(words, data):
    message = " ".join(words)
    chosen = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=4))
    assert compile_pattern(" ".join(chosen)).matches(message)
    assert compile_pattern(" ".join("?" + w for w in chosen)).matches(message)
    assert not compile_pattern(" ".join("-" + w for w in chosen)).matches(message)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=6), WORD)
def test_terms_mean_substring_presence(words, term):
    message = " ".join(words)
    assert compile_pattern(term).matches(message) is (term in message)
    assert compile_pattern("-" + term).matches(message) is (term not in message)
    assert compile_pattern(f'"{term}"').matches(message) is (term in message)


NUMBER = st.one_of(
    st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3))
)
OPS = {"=": float.__eq__, "!=": float.__ne__, "<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(NUMBER, NUMBER, st.sampled_from(sorted(OPS)))
def test_json_numeric_comparisons_agree_with_arithmetic(value, literal, op):
    pattern = compile_pattern(f"{{ $.n {op} {literal} }}")
    expected = OPS[op](float(value), float(literal))
    assert pattern.matches(json.dumps({"n": value})) is expected
    # A space-delimited field holding the same number compares the same way.
    assert compile_pattern(f"[a, n {op} {literal}]").matches(f"x {value}") is expected


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=0, max_size=6), st.integers(0, 6))
def test_delimited_field_count_must_match_without_ellipsis(fields, slots):
    names = ", ".join(f"f{i}" for i in range(slots))
    message = " ".join(fields)
    if slots:
        assert compile_pattern(f"[{names}]").matches(message) is (len(fields) == slots)
        assert compile_pattern(f"[{names}, ...]").matches(message) is (len(fields) >= slots)
    assert compile_pattern("[...]").matches(message)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_any_text_either_compiles_or_is_rejected_cleanly(pattern, message):
    try:
        compiled = compile_pattern(pattern)
    except FilterPatternError:
        return
    assert compiled.matches(message) in (True, False)
