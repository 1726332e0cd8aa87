"""One matcher per EventBridge operator; each decides on one leaf value of the event.

Leaf values are JSON scalars: str, int/float, True/False, None. Strings never match number
patterns and numbers never match string patterns, as on AWS.
"""

import re
from collections.abc import Callable

from .cidr import ip_value
from .numbers import comparable, is_number, same_number


class Matcher:
    __slots__ = ()

    def match(self, value: object) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


class ExactString(Matcher):
    __slots__ = ("text", "ip")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ip = ip_value(text)  # an IP literal matches the same address written another way

    def match(self, value: object) -> bool:
        if value.__class__ is not str:
            return False
        if value == self.text:
            return True
        return self.ip is not None and ip_value(value) == self.ip


class ExactNumber(Matcher):
    __slots__ = ("number", "key")

    def __init__(self, number: int | float) -> None:
        self.number = number
        self.key = comparable(number)

    def match(self, value: object) -> bool:
        if not is_number(value):
            return False
        if self.key is not None:
            key = comparable(value)
            if key is not None:
                return key == self.key
        return same_number(value, self.number)  # e.g. 12-digit account numbers


class ExactLiteral(Matcher):
    """true, false or null."""

    __slots__ = ("literal",)

    def __init__(self, literal: bool | None) -> None:
        self.literal = literal

    def match(self, value: object) -> bool:
        return value is self.literal


class Prefix(Matcher):
    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def match(self, value: object) -> bool:
        return value.__class__ is str and value.startswith(self.prefix)


class Suffix(Matcher):
    __slots__ = ("suffix",)

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix

    def match(self, value: object) -> bool:
        return value.__class__ is str and value.endswith(self.suffix)


def fold(text: str) -> str:
    return text.lower()


class EqualsIgnoreCase(Matcher):
    __slots__ = ("folded",)

    def __init__(self, text: str) -> None:
        self.folded = fold(text)

    def match(self, value: object) -> bool:
        return value.__class__ is str and fold(value) == self.folded


class PrefixIgnoreCase(Matcher):
    __slots__ = ("folded",)

    def __init__(self, text: str) -> None:
        self.folded = fold(text)

    def match(self, value: object) -> bool:
        return value.__class__ is str and fold(value).startswith(self.folded)


class SuffixIgnoreCase(Matcher):
    __slots__ = ("folded",)

    def __init__(self, text: str) -> None:
        self.folded = fold(text)

    def match(self, value: object) -> bool:
        return value.__class__ is str and fold(value).endswith(self.folded)


class Wildcard(Matcher):
    __slots__ = ("regex",)

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex

    def match(self, value: object) -> bool:
        return value.__class__ is str and self.regex.fullmatch(value) is not None


class NumericRange(Matcher):
    """Bounds are comparable keys (see numbers.comparable); None means unbounded."""

    __slots__ = ("low", "low_open", "high", "high_open")

    def __init__(self, low: int | None, low_open: bool, high: int | None, high_open: bool):
        self.low, self.low_open, self.high, self.high_open = low, low_open, high, high_open

    def match(self, value: object) -> bool:
        if not is_number(value):
            return False
        key = comparable(value)
        if key is None:
            return False
        if self.low is not None and (key <= self.low if self.low_open else key < self.low):
            return False
        if self.high is not None and (key >= self.high if self.high_open else key > self.high):
            return False
        return True


class Cidr(Matcher):
    __slots__ = ("version", "low", "high")

    def __init__(self, version: int, low: int, high: int) -> None:
        self.version, self.low, self.high = version, low, high

    def match(self, value: object) -> bool:
        if value.__class__ is not str:
            return False
        ip = ip_value(value)
        return ip is not None and ip[0] == self.version and self.low <= ip[1] <= self.high


class AnythingBut(Matcher):
    """Matches every present value except the excluded ones (null and other types included)."""

    __slots__ = ("strings", "numbers")

    def __init__(self, strings: frozenset[str], numbers: tuple[int | float, ...]) -> None:
        self.strings = strings
        self.numbers = tuple(ExactNumber(n) for n in numbers)

    def match(self, value: object) -> bool:
        if value.__class__ is str:
            return value not in self.strings
        if is_number(value):
            return not any(n.match(value) for n in self.numbers)
        return True


class AnythingButText(Matcher):
    """anything-but with equals-ignore-case / prefix / suffix / wildcard: excludes strings
    for which `test` holds for any of the values; every non-string value matches."""

    __slots__ = ("test", "values")

    def __init__(self, test: Callable[[str, object], bool], values: tuple) -> None:
        self.test = test
        self.values = values

    def match(self, value: object) -> bool:
        if value.__class__ is not str:
            return True
        test = self.test
        return not any(test(value, v) for v in self.values)


def _ignore_case(value: str, folded: object) -> bool:
    return fold(value) == folded


def _prefix(value: str, prefix: object) -> bool:
    return value.startswith(prefix)  # type: ignore[arg-type]


def _suffix(value: str, suffix: object) -> bool:
    return value.endswith(suffix)  # type: ignore[arg-type]


def _wildcard(value: str, regex: object) -> bool:
    return regex.fullmatch(value) is not None  # type: ignore[attr-defined]


def anything_but_ignore_case(values: list[str]) -> AnythingButText:
    return AnythingButText(_ignore_case, tuple(fold(v) for v in values))


def anything_but_prefix(values: list[str]) -> AnythingButText:
    return AnythingButText(_prefix, tuple(values))


def anything_but_suffix(values: list[str]) -> AnythingButText:
    return AnythingButText(_suffix, tuple(values))


def anything_but_wildcard(regexes: list[re.Pattern[str]]) -> AnythingButText:
    return AnythingButText(_wildcard, tuple(regexes))
