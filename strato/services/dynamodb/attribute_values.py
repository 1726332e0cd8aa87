"""DynamoDB AttributeValues in wire form: validation, numbers, sizes, equality and key order.

A value is a one-key dict: {"S": "x"}, {"N": "1.5"}, {"B": b"..."}, {"SS": [...]},
{"NS": [...]}, {"BS": [...]}, {"M": {...}}, {"L": [...]}, {"NULL": True}, {"BOOL": False}.
Binary values are bytes; base64 text (the store's form) is accepted wherever bytes are.
"""

from __future__ import annotations

import base64
import decimal
import re
from decimal import Decimal
from typing import Any

from .expressions.errors import DynamoValidationError

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TYPES = ("S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M")
SET_TYPES = ("SS", "NS", "BS")
MAX_ITEM_SIZE = 409_600  # bytes; an item of exactly this size is accepted
MAX_NESTING_DEPTH = 32
MAX_DIGITS = 38

INVALID = "One or more parameter values were invalid: "
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
# Exact arithmetic over the whole supported range (1E-130 .. 1E126) needs ~260 digits.
_EXACT = decimal.Context(prec=400, Emax=999_999, Emin=-999_999, traps=[decimal.InvalidOperation])


def type_of(av: AttributeValue | None) -> str | None:
    """The type tag of a value ("S", "N", ...), or None for a missing value."""
    if not av:
        return None
    for tag in av:
        return tag
    return None


def binary(value: Any) -> bytes:
    """The raw bytes of a B value (or BS element), whether bytes or base64 text."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return base64.b64decode(value)


# --- numbers ---------------------------------------------------------------------------


def parse_number(text: Any) -> Decimal:
    """The Decimal a number string denotes, checked against DynamoDB's limits."""
    if not isinstance(text, str) or not text:
        raise DynamoValidationError("The parameter cannot be converted to a numeric value")
    if not _NUMBER.match(text):
        raise DynamoValidationError(f"The parameter cannot be converted to a numeric value: {text}")
    number = Decimal(text)
    check_number(number)
    return number


def check_number(number: Decimal) -> None:
    """Raise AWS's errors for a number outside DynamoDB's range or precision."""
    _, digits, exponent = _canonical(number)
    if digits == "0":
        return
    adjusted = exponent + len(digits) - 1
    if adjusted > 125:
        raise DynamoValidationError(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        )
    if adjusted < -130:
        raise DynamoValidationError(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        )
    if len(digits) > MAX_DIGITS:
        raise DynamoValidationError(
            "Attempting to store more than 38 significant digits in a Number"
        )


def normalize_number(text: str) -> str:
    """AWS's canonical text for a number: "1.50" -> "1.5", "0100" -> "100", "-0" -> "0"."""
    return format_number(parse_number(text))


def format_number(number: Decimal) -> str:
    """Plain decimal notation without exponent, leading or trailing zeros."""
    negative, digits, exponent = _canonical(number)
    if digits == "0":
        return "0"
    if exponent >= 0:
        text = digits + "0" * exponent
    else:
        point = len(digits) + exponent
        text = digits[:point] + "." + digits[point:] if point > 0 else "0." + "0" * -point + digits
    return "-" + text if negative else text


def add_numbers(left: str, right: str, subtract: bool = False) -> str:
    """left + right (or left - right) exactly, failing as AWS does when the result won't fit."""
    a, b = Decimal(left), Decimal(right)
    result = _EXACT.subtract(a, b) if subtract else _EXACT.add(a, b)
    check_number(result)
    return format_number(result)


def number_size(text: str) -> int:
    """Bytes a number costs: one per base-100 digit, plus one, plus one if negative."""
    negative, digits, exponent = _canonical(Decimal(text))
    if digits == "0":
        return 1
    highest = exponent + len(digits) - 1
    centesimal_digits = highest // 2 - exponent // 2 + 1
    return 1 + centesimal_digits + (1 if negative else 0)


def _canonical(number: Decimal) -> tuple[bool, str, int]:
    """(negative, significant digits, exponent) with value = digits * 10**exponent."""
    sign, digit_tuple, exponent = number.as_tuple()
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return False, "0", 0
    stripped = digits.rstrip("0")
    return bool(sign), stripped, int(exponent) + len(digits) - len(stripped)


# --- validation ------------------------------------------------------------------------


def validate_item(item: Any, where: str = "Item") -> Item:
    """Check every attribute of `item` as AWS does; return a copy with numbers normalised.

    `where` picks AWS's wording: "Item" and "Key" report the bare message,
    "ExpressionAttributeValues" and "ExclusiveStartKey" wrap it as AWS does there.
    """
    normalized: Item = {}
    for name, av in item.items():
        try:
            normalized[name] = validate_value(av)
        except DynamoValidationError as error:
            raise DynamoValidationError(_placed(error.message, where, name)) from None
    return normalized


def validate_value(av: Any, depth: int = 1) -> AttributeValue:
    """Check one AttributeValue; return it with numbers normalised and NULL set to True."""
    if not isinstance(av, dict) or not any(tag in av for tag in TYPES):
        raise DynamoValidationError(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    if len(av) > 1:
        raise DynamoValidationError(
            "Supplied AttributeValue has more than one datatypes set, "
            "must contain exactly one of the supported datatypes"
        )
    tag, value = next(iter(av.items()))
    if tag in ("M", "L") and depth > MAX_NESTING_DEPTH:
        raise DynamoValidationError(
            "Nesting Levels have exceeded supported limits: "
            "Attributes in the item have nested levels beyond supported limit"
        )
    if tag == "N":
        return {"N": normalize_number(value)}
    if tag == "NULL":
        return {"NULL": True}  # AWS now accepts NULL: false and stores it as true
    if tag in SET_TYPES:
        return {tag: _validate_set(tag, value)}
    if tag == "M":
        return {"M": {k: validate_value(v, depth + 1) for k, v in value.items()}}
    if tag == "L":
        return {"L": [validate_value(v, depth + 1) for v in value]}
    return {tag: value}


def _validate_set(tag: str, members: list[Any]) -> list[Any]:
    if not members:
        kind = {"SS": "An string set  may not be empty", "NS": "An number set  may not be empty"}
        raise DynamoValidationError(INVALID + kind.get(tag, "Binary sets should not be empty"))
    if tag == "SS":
        if any(m == "" for m in members):
            raise DynamoValidationError(
                INVALID + "An string set may not have a empty string as a member"
            )
        if len(set(members)) != len(members):
            listed = ", ".join(members)
            raise DynamoValidationError(
                INVALID + f"Input collection [{listed}] contains duplicates."
            )
        return list(members)
    if tag == "NS":
        numbers = [normalize_number(m) for m in members]
        if len(set(numbers)) != len(numbers):
            raise DynamoValidationError("Input collection contains duplicates")
        return numbers
    raw = [binary(m) for m in members]
    if any(not m for m in raw):
        raise DynamoValidationError(INVALID + "Binary sets may not contain null or empty values")
    if len(set(raw)) != len(raw):
        listed = ", ".join(base64.b64encode(m).decode() for m in raw)
        raise DynamoValidationError(
            INVALID + f"Input collection [{listed}]of type BS contains duplicates."
        )
    return list(members)


def _placed(message: str, where: str, name: str) -> str:
    if where == "ExpressionAttributeValues":
        return f"ExpressionAttributeValues contains invalid value: {message} for key {name}"
    if where == "ExclusiveStartKey":
        return f"The provided starting key is invalid: {message}"
    return message


# --- size ------------------------------------------------------------------------------


def item_size(item: Item) -> int:
    """An item's size as AWS counts it against the 400 KB limit."""
    return sum(len(name.encode()) + value_size(av) for name, av in item.items())


def value_size(av: AttributeValue) -> int:
    tag, value = next(iter(av.items()))
    if tag == "S":
        return len(value.encode())
    if tag == "N":
        return number_size(value)
    if tag == "B":
        return len(binary(value))
    if tag in ("BOOL", "NULL"):
        return 1
    if tag == "SS":
        return sum(len(s.encode()) for s in value)
    if tag == "NS":
        return sum(number_size(n) for n in value)
    if tag == "BS":
        return sum(len(binary(b)) for b in value)
    if tag == "L":
        return 3 + sum(1 + value_size(v) for v in value)
    return 3 + sum(len(k.encode()) + 1 + value_size(v) for k, v in value.items())


# --- equality and order ----------------------------------------------------------------


def values_equal(a: AttributeValue | None, b: AttributeValue | None) -> bool:
    """DynamoDB equality: same type, numbers by value, sets regardless of order."""
    tag = type_of(a)
    if tag is None or tag != type_of(b):
        return False
    x, y = a[tag], b[tag]  # type: ignore[index]
    if tag == "N":
        return Decimal(x) == Decimal(y)
    if tag == "B":
        return binary(x) == binary(y)
    if tag == "SS":
        return set(x) == set(y)
    if tag == "NS":
        return {Decimal(n) for n in x} == {Decimal(n) for n in y}
    if tag == "BS":
        return {binary(v) for v in x} == {binary(v) for v in y}
    if tag == "L":
        return len(x) == len(y) and all(values_equal(p, q) for p, q in zip(x, y, strict=True))
    if tag == "M":
        return x.keys() == y.keys() and all(values_equal(x[k], y[k]) for k in x)
    return x == y


def compare(a: AttributeValue | None, b: AttributeValue | None) -> int | None:
    """-1, 0 or 1 for two S, N or B values of one type; 0 for other equal values; else None."""
    tag = type_of(a)
    if tag is None or tag != type_of(b):
        return None
    if tag in ("S", "N", "B"):
        x, y = a[tag], b[tag]  # type: ignore[index]
        if tag == "N":
            x, y = Decimal(x), Decimal(y)
        elif tag == "B":
            x, y = binary(x), binary(y)
        return (x > y) - (x < y)
    return 0 if values_equal(a, b) else None


def sort_key_bytes(av: AttributeValue) -> bytes:
    """Bytes whose byte-wise order is DynamoDB's order for S, N and B key values.

    S is its UTF-8 and B its raw bytes (so begins_with is a byte prefix). N is
    sign (0x00 negative, 0x01 zero, 0x02 positive), an exponent byte, then one
    byte per digit and a terminator, all inverted for negatives.
    """
    tag = type_of(av)
    if tag == "S":
        return av["S"].encode()
    if tag == "B":
        return binary(av["B"])
    if tag == "N":
        return _number_key(Decimal(av["N"]))
    raise ValueError(f"{tag} is not a key type")


_SCALE_BIAS = 0x8000


def _number_key(number: Decimal) -> bytes:
    negative, digits, exponent = _canonical(number)
    if digits == "0":
        return b"\x01"
    # value = 0.d1d2... * 10**scale; two bytes of scale keep any Decimal orderable, even
    # just outside DynamoDB's range (validation rejects those, but ordering must not crash).
    scale = exponent + len(digits) + _SCALE_BIAS
    if negative:
        body = bytes(11 - int(d) for d in digits)
        return b"\x00" + (0xFFFF - scale).to_bytes(2, "big") + body + b"\xff"
    return b"\x02" + scale.to_bytes(2, "big") + bytes(int(d) + 1 for d in digits) + b"\x00"
