"""Attribute values: number normalisation and limits, validation messages, sizes, order."""

from __future__ import annotations

import pytest

from strato.services.dynamodb import attribute_values as av
from strato.services.dynamodb.expressions import DynamoValidationError

OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)
INVALID = "One or more parameter values were invalid: "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.50", "1.5"),
        ("0100", "100"),
        ("-0", "0"),
        ("-0.000", "0"),
        ("0042.1200", "42.12"),
        ("1.0", "1"),
        ("3.1400", "3.14"),
        ("1.5E2", "150"),
        ("1e+2", "100"),
        ("+7", "7"),
        (".5", "0.5"),
        ("5.", "5"),
        ("-12.340e-3", "-0.01234"),
        ("1E125", "1" + "0" * 125),
        ("1E-130", "0." + "0" * 129 + "1"),
        ("0E-500", "0"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        (
            "9.9999999999999999999999999999999999999E+125",
            "99999999999999999999999999999999999999" + "0" * 88,
        ),
        ("1000000000000000000000000000000000000000000", "1" + "0" * 42),
    ],
)
def test_numbers_are_normalised_like_aws(text: str, expected: str) -> None:
    assert av.normalize_number(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The parameter cannot be converted to a numeric value"),
        ("abc", "The parameter cannot be converted to a numeric value: abc"),
        ("1,5", "The parameter cannot be converted to a numeric value: 1,5"),
        ("NaN", "The parameter cannot be converted to a numeric value: NaN"),
        ("Infinity", "The parameter cannot be converted to a numeric value: Infinity"),
        (" 5", "The parameter cannot be converted to a numeric value:  5"),
        ("1_000", "The parameter cannot be converted to a numeric value: 1_000"),
        ("1E", "The parameter cannot be converted to a numeric value: 1E"),
        ("1E+126", OVERFLOW),
        ("-1E+126", OVERFLOW),
        ("1E-131", UNDERFLOW),
        (
            "123456789012345678901234567890123456789",
            "Attempting to store more than 38 significant digits in a Number",
        ),
        (
            "1.00000000000000000000000000000000000001",
            "Attempting to store more than 38 significant digits in a Number",
        ),
    ],
)
def test_bad_numbers_get_aws_messages(text: str, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        av.normalize_number(text)
    assert caught.value.message == message


# Captured against real DynamoDB (eu-west-2) at the 400 KB gate, byte for byte.
@pytest.mark.parametrize(
    ("literal", "size"),
    [
        ("0", 1), ("1", 2), ("12", 2), ("123", 3), ("1234", 3),
        ("12345678901234567890123456789012345678", 20), ("0042", 2), ("100", 2), ("1010", 3),
        ("0.0000001", 2), ("1E125", 2), ("1E-100", 2), ("1.5", 3), ("15", 2), ("1.2", 3),
        ("1.200", 3), ("1.234", 4), ("3.14159", 5), ("123456", 4), ("100.5", 4), ("0.15", 2),
        ("-42", 3), ("-0", 1),
    ],
)  # fmt: skip
def test_number_sizes_match_aws_captures(literal: str, size: int) -> None:
    assert av.number_size(av.normalize_number(literal)) == size
    assert av.number_size(literal) == size


@pytest.mark.parametrize(
    ("item", "size"),
    [
        ({"a": {"S": "abc"}}, 4),
        ({"ab": {"S": "é"}}, 4),  # UTF-8 bytes of name and value
        ({"a": {"N": "123"}}, 4),
        ({"a": {"B": b"\x00\x01\x02"}}, 4),
        ({"a": {"B": "AAEC"}}, 4),  # base64 text counts its raw bytes
        ({"a": {"BOOL": True}}, 2),
        ({"a": {"NULL": True}}, 2),
        ({"a": {"SS": ["x", "yz"]}}, 4),
        ({"a": {"NS": ["1", "123"]}}, 6),
        ({"a": {"BS": [b"x", b"yz"]}}, 4),
        ({"a": {"L": []}}, 4),
        ({"a": {"M": {}}}, 4),
        ({"a": {"L": [{"S": "x"}, {"N": "1"}]}}, 1 + 3 + (1 + 1) + (1 + 2)),
        ({"a": {"M": {"bc": {"S": "x"}}}}, 1 + 3 + (2 + 1 + 1)),
        ({"pk": {"S": "k"}, "n": {"N": "-1.5"}}, 3 + 1 + 4),
    ],
)
def test_item_size_follows_aws_rules(item: dict, size: int) -> None:
    assert av.item_size(item) == size


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"SS": []}, INVALID + "An string set  may not be empty"),
        ({"NS": []}, INVALID + "An number set  may not be empty"),
        ({"BS": []}, INVALID + "Binary sets should not be empty"),
        ({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates."),
        ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
        (
            {"BS": [b"b", b"b"]},
            INVALID + "Input collection [Yg==, Yg==]of type BS contains duplicates.",
        ),
        ({"SS": ["a", ""]}, INVALID + "An string set may not have a empty string as a member"),
        ({"BS": [b"a", b""]}, INVALID + "Binary sets may not contain null or empty values"),
        ({"NS": ["1", "x"]}, "The parameter cannot be converted to a numeric value: x"),
        ({"N": "1E200"}, OVERFLOW),
        (
            {},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"X": 1},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"S": "a", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
        ),
        ({"M": {"x": {"L": [{"SS": []}]}}}, INVALID + "An string set  may not be empty"),
    ],
)
def test_invalid_values_get_aws_messages(value: dict, message: str) -> None:
    with pytest.raises(DynamoValidationError) as caught:
        av.validate_item({"attr": value})
    assert caught.value.message == message


def test_validation_wording_depends_on_where_the_value_came_from() -> None:
    bad = {":v": {"SS": []}}
    with pytest.raises(DynamoValidationError) as caught:
        av.validate_item(bad, where="ExpressionAttributeValues")
    assert caught.value.message == (
        "ExpressionAttributeValues contains invalid value: One or more parameter values were "
        "invalid: An string set  may not be empty for key :v"
    )
    with pytest.raises(DynamoValidationError) as caught:
        av.validate_item({"k": {"N": "x"}}, where="ExclusiveStartKey")
    assert caught.value.message == (
        "The provided starting key is invalid: The parameter cannot be converted to a numeric value: x"
    )


def test_validation_normalises_numbers_and_null() -> None:
    item = {
        "n": {"N": "01.50"},
        "ns": {"NS": ["2.0", "-0"]},
        "z": {"NULL": False},
        "deep": {"M": {"l": {"L": [{"N": "1E2"}]}}},
        "s": {"S": ""},
    }
    assert av.validate_item(item) == {
        "n": {"N": "1.5"},
        "ns": {"NS": ["2", "0"]},
        "z": {"NULL": True},
        "deep": {"M": {"l": {"L": [{"N": "100"}]}}},
        "s": {"S": ""},
    }


def test_nesting_beyond_32_levels_is_rejected() -> None:
    value: dict = {"S": "x"}
    for _ in range(32):
        value = {"L": [value]}
    av.validate_item({"a": value})
    with pytest.raises(DynamoValidationError) as caught:
        av.validate_item({"a": {"M": {"b": value}}})
    assert caught.value.message.startswith("Nesting Levels have exceeded supported limits")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"N": "10"}, {"N": "9"}, 1),
        ({"N": "-1.5"}, {"N": "-1.50"}, 0),
        ({"N": "1E2"}, {"N": "101"}, -1),
        ({"S": "a"}, {"S": "B"}, 1),  # by code point / UTF-8 byte
        ({"S": "\uffff"}, {"S": "\U00010000"}, -1),  # UTF-8 order, not UTF-16
        ({"B": b"\x01"}, {"B": b"\x01\x00"}, -1),
        ({"B": "AQ=="}, {"B": b"\x01"}, 0),
        ({"N": "1"}, {"S": "1"}, None),
        ({"SS": ["a", "b"]}, {"SS": ["b", "a"]}, 0),
        ({"SS": ["a"]}, {"SS": ["b"]}, None),
        ({"M": {"x": {"N": "1.0"}}}, {"M": {"x": {"N": "1"}}}, 0),
        (None, {"S": "a"}, None),
    ],
)
def test_compare(a: dict | None, b: dict, expected: int | None) -> None:
    assert av.compare(a, b) == expected


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]}, True),
        ({"BS": [b"a"]}, {"BS": ["YQ=="]}, True),
        ({"L": [{"N": "1"}]}, {"L": [{"N": "1"}, {"N": "1"}]}, False),
        ({"L": [{"S": "a"}, {"N": "2"}]}, {"L": [{"S": "a"}, {"N": "2.00"}]}, True),
        ({"M": {"a": {"S": "x"}}}, {"M": {"b": {"S": "x"}}}, False),
        ({"BOOL": True}, {"BOOL": True}, True),
        ({"BOOL": True}, {"BOOL": False}, False),
        ({"NULL": True}, {"NULL": True}, True),
        ({"S": "1"}, {"N": "1"}, False),
    ],
)
def test_values_equal(a: dict, b: dict, equal: bool) -> None:
    assert av.values_equal(a, b) is equal


def test_sort_key_bytes_order_numbers_numerically() -> None:
    ordered = [
        "-1E125",
        "-100",
        "-99.5",
        "-1",
        "-0.15",
        "-0.1",
        "0",
        "1E-130",
        "0.1",
        "0.15",
        "1",
        "9",
        "10",
        "1E125",
    ]
    keys = [av.sort_key_bytes({"N": n}) for n in ordered]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_sort_key_bytes_of_strings_and_binary_are_their_bytes() -> None:
    assert av.sort_key_bytes({"S": "héllo"}) == "héllo".encode()
    assert av.sort_key_bytes({"B": b"\x00\xff"}) == b"\x00\xff"
    assert av.sort_key_bytes({"B": "AP8="}) == b"\x00\xff"
    with pytest.raises(ValueError):
        av.sort_key_bytes({"BOOL": True})


def test_arithmetic_is_exact_and_checked() -> None:
    assert av.add_numbers("0.1", "0.2") == "0.3"
    assert av.add_numbers("1E30", "-1E30") == "0"
    assert av.add_numbers("5", "7.5", subtract=True) == "-2.5"
    with pytest.raises(DynamoValidationError) as caught:
        av.add_numbers("9.9e125", "9.9e125")
    assert caught.value.message == OVERFLOW
    with pytest.raises(DynamoValidationError) as caught:
        av.add_numbers("1E30", "1E-30")
    assert caught.value.message == "Attempting to store more than 38 significant digits in a Number"
