"""Numbers as EventBridge compares them: -5e9..5e9, six digits after the decimal point."""

from decimal import Decimal, InvalidOperation
from math import floor

FIVE_BILLION = 5_000_000_000
RANGE_ERROR = "Value must be between -5.0E9 and 5.0E9, inclusive"


def comparable(value: int | float | str) -> int | None:
    """An integer key that orders and equates numbers as AWS does, or None outside the range.

    AWS scales by 10**6 and truncates, so numbers that agree to six decimals are equal.
    """
    if isinstance(value, int):
        if -FIVE_BILLION <= value <= FIVE_BILLION:
            return value * 1_000_000
        return None
    try:
        exact = Decimal(value if isinstance(value, str) else repr(value))
    except InvalidOperation:
        return None
    if not exact.is_finite() or not -FIVE_BILLION <= exact <= FIVE_BILLION:
        return None
    return floor(exact * 1_000_000)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same_number(a: int | float, b: int | float) -> bool:
    """Literal equality of two JSON numbers, for numbers outside the comparable range."""
    try:
        return Decimal(repr(a)) == Decimal(repr(b))
    except InvalidOperation:
        return False
