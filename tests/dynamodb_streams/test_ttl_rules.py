"""Which TTL values make an item due, table-driven against AWS's documented rules."""

from __future__ import annotations

import pytest

from strato.services.dynamodb.ttl import MAX_PAST_S, due_second, is_expired

NOW = 1_800_000_000.5


@pytest.mark.parametrize(
    ("value", "expired"),
    [
        ({"N": str(int(NOW) - 1)}, True),
        ({"N": str(NOW)}, True),  # exactly now
        ({"N": "1800000000.4"}, True),  # fractions of a second count
        ({"N": "1800000000.6"}, False),
        ({"N": str(int(NOW) + 1)}, False),
        ({"N": str(int(NOW) * 1000)}, False),  # milliseconds: far in the future
        ({"N": str(int(NOW - MAX_PAST_S) + 1)}, True),  # just under five years old
        ({"N": str(int(NOW - MAX_PAST_S) - 1)}, False),  # over five years old: ignored
        ({"N": "0"}, False),
        ({"N": "-5"}, False),
        ({"S": str(int(NOW) - 1)}, False),  # only Numbers count
        ({"NS": [str(int(NOW) - 1)]}, False),
        ({"M": {"ttl": {"N": "1"}}}, False),
        (None, False),
    ],
)
def test_is_expired(value, expired):
    item = {"pk": {"S": "k"}}
    if value is not None:
        item["ttl"] = value
    assert is_expired(item, "ttl", NOW) is expired


@pytest.mark.parametrize(
    ("value", "due"),
    [
        ({"N": "100"}, 100),
        ({"N": "100.2"}, 101),  # never early: due from the next whole second
        ({"N": "1E3"}, 1000),
        ({"N": "-1"}, None),
        ({"N": "1E40"}, None),  # past any clock this index will see
        ({"S": "100"}, None),
        ({"BOOL": True}, None),
    ],
)
def test_due_second(value, due):
    assert due_second({"ttl": value}, "ttl") == due


def test_due_second_without_the_attribute():
    assert due_second({"pk": {"S": "k"}}, "ttl") is None
    assert due_second(None, "ttl") is None
