"""Compile event-pattern JSON text into match branches, rejecting what AWS rejects.

The walk follows the pattern text in order, as AWS's streaming compiler does, so the first
problem in the text is the one reported. A pattern becomes a list of branches (one per `$or`
alternative); a branch maps a dotted field path to the operators any one of which must match.
"""

from typing import Any

from . import json_text
from .cidr import cidr_range
from .errors import InvalidEventPattern
from .json_text import Members
from .matchers import (
    AnythingBut,
    Cidr,
    EqualsIgnoreCase,
    ExactLiteral,
    ExactNumber,
    ExactString,
    Matcher,
    NumericRange,
    Prefix,
    PrefixIgnoreCase,
    Suffix,
    SuffixIgnoreCase,
    Wildcard,
    anything_but_ignore_case,
    anything_but_prefix,
    anything_but_suffix,
    anything_but_wildcard,
)
from .numbers import RANGE_ERROR, comparable, is_number
from .wildcard import compile_wildcard

OR = "$or"
_OPERATORS = frozenset(
    {"anything-but", "numeric", "prefix", "suffix", "exists", "cidr", "equals-ignore-case",
     "wildcard", "exactly"}
)  # fmt: skip


class FieldRule:
    """The operators for one field path: OR of matchers, plus exists true/false."""

    __slots__ = ("path", "matchers", "exists", "absent")

    def __init__(self, path: str, matchers: list[Matcher], exists: bool, absent: bool) -> None:
        self.path = path
        self.matchers = tuple(matchers)
        self.exists = exists  # {"exists": true} present
        self.absent = absent  # {"exists": false} present

    def matches(self, flat: dict[str, list]) -> bool:
        values = flat.get(self.path)
        if not values:
            return self.absent
        if self.exists:
            return True
        for matcher in self.matchers:
            match = matcher.match
            for value in values:
                if match(value):
                    return True
        return False


Branch = dict[str, FieldRule]


def compile_branches(text: str) -> list[Branch]:
    try:
        root = json_text.parse(text)
    except ValueError as exc:
        raise InvalidEventPattern(str(exc)) from None
    if not isinstance(root, Members):
        raise InvalidEventPattern("Filter is not an object")
    branches: list[Branch] = []
    _object(root, "", branches, in_or=False)
    return branches


def _object(members: Members, prefix: str, branches: list[Branch], in_or: bool) -> None:
    if not members:
        raise InvalidEventPattern("Empty objects are not allowed")
    for key, value in members:
        if key == OR:
            _or(value, prefix, branches)
            continue
        if in_or and key in _OPERATORS:
            raise InvalidEventPattern(
                f"{key} is Ruler reserved fieldName which cannot be used inside {OR}."
            )
        if isinstance(value, Members):
            _object(value, f"{prefix}{key}.", branches, in_or)
        elif type(value) is list:
            rule = _field(f"{prefix}{key}", value)
            if not branches:
                branches.append({})
            for branch in branches:
                branch[rule.path] = rule  # a repeated key overrides, as on AWS
        else:
            raise InvalidEventPattern(f'"{key}" must be an object or an array')


def _or(value: Any, prefix: str, branches: list[Branch]) -> None:
    current = [dict(b) for b in branches]
    branches.clear()
    if type(value) is not list:
        raise InvalidEventPattern(f"It must be an Array followed with {OR}.")
    for element in value:
        if not isinstance(element, Members):
            raise InvalidEventPattern(f"Only JSON object is allowed in array of {OR} relationship.")
        forked = [dict(b) for b in current] or [{}]
        _object(element, prefix, forked, in_or=True)
        branches.extend(forked)
    if len(value) < 2:
        raise InvalidEventPattern(f"There must have at least 2 Objects in {OR} relationship.")


def _field(path: str, values: list) -> FieldRule:
    matchers: list[Matcher] = []
    exists = absent = False
    for value in values:
        if isinstance(value, Members):
            matcher = _expression(value)
            if matcher is True:
                exists = True
            elif matcher is False:
                absent = True
            else:
                matchers.append(matcher)
        elif value is None or isinstance(value, bool):
            matchers.append(ExactLiteral(value))
        elif isinstance(value, str):
            matchers.append(ExactString(value))
        elif isinstance(value, (int, float)):
            matchers.append(ExactNumber(value))
        else:
            raise InvalidEventPattern("Match value must be String, number, true, false, or null")
    if not values:
        raise InvalidEventPattern("Empty arrays are not allowed")
    return FieldRule(path, matchers, exists, absent)


def _token_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Members):
        return "{"
    if isinstance(value, list):
        return "["
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return repr(value)


def _one_key(members: Members, too_many: str = "Only one key allowed in match expression"):
    if len(members) > 1:
        raise InvalidEventPattern(too_many)


def _string(value: Any, message: str) -> str:
    if not isinstance(value, str):
        raise InvalidEventPattern(message)
    return value


def _expression(members: Members) -> Matcher | bool:
    """One `{operator: ...}` object; returns True/False for exists."""
    if not members:
        raise InvalidEventPattern("Match expression name not found")
    op, arg = members[0]
    matcher: Matcher | bool
    if op == "exactly":
        matcher = ExactString(_string(arg, "exact match pattern must be a string"))
    elif op in ("prefix", "suffix"):
        if isinstance(arg, Members):
            matcher = _ignore_case_affix(op, arg)
        else:
            text = _string(arg, f"{op} match pattern must be a string")
            matcher = Prefix(text) if op == "prefix" else Suffix(text)
    elif op == "numeric":
        if type(arg) is not list:
            raise InvalidEventPattern("Value of numeric must be an array.")
        matcher = _numeric(arg)
        _one_key(members, "Too many elements in numeric expression")
        return matcher
    elif op == "anything-but":
        matcher = _anything_but(arg)
        _one_key(members, "Too many elements in numeric expression")
        return matcher
    elif op == "exists":
        if not isinstance(arg, bool):
            raise InvalidEventPattern("exists match pattern must be either true or false.")
        matcher = arg
    elif op == "cidr":
        matcher = Cidr(*cidr_range(_string(arg, "prefix match pattern must be a string")))
    elif op == "equals-ignore-case":
        matcher = EqualsIgnoreCase(
            _string(arg, "equals-ignore-case match pattern must be a string")
        )
    elif op == "wildcard":
        matcher = Wildcard(
            compile_wildcard(_string(arg, "wildcard match pattern must be a string"))
        )
    else:
        raise InvalidEventPattern(f"Unrecognized match type {op}")
    _one_key(members)
    return matcher


def _ignore_case_affix(op: str, members: Members) -> Matcher:
    if not members:
        raise InvalidEventPattern(f"{op.capitalize()} expression name not found")
    inner, arg = members[0]
    if inner != "equals-ignore-case":
        raise InvalidEventPattern(f"Unsupported {op} pattern: {inner}")
    text = _string(arg, "equals-ignore-case match pattern must be a string")
    _one_key(members)
    return PrefixIgnoreCase(text) if op == "prefix" else SuffixIgnoreCase(text)


_ANYTHING_BUT_KINDS = ("equals-ignore-case", "prefix", "suffix", "wildcard")


def _anything_but(arg: Any) -> Matcher:
    kind = None
    inner: Members | None = None
    if isinstance(arg, Members):
        if not arg:
            raise InvalidEventPattern("Anything-But expression name not found")
        kind, value = arg[0]
        if kind not in _ANYTHING_BUT_KINDS:
            raise InvalidEventPattern(f"Unsupported anything-but pattern: {kind}")
        inner, arg = arg, value
    if not ((type(arg) is list or isinstance(arg, str)) or is_number(arg)):
        raise InvalidEventPattern(
            "Value of anything-but must be an array or single string/number value."
        )
    if kind is None:
        return _anything_but_values(arg if type(arg) is list else [arg], type(arg) is list)
    texts = []
    for value in arg if type(arg) is list else [arg]:
        if not isinstance(value, str):
            raise InvalidEventPattern(
                {
                    "equals-ignore-case": "Inside anything-but/equals-ignore-case list, "
                    "number|start|null|boolean is not supported.",
                    "wildcard": "wildcard match pattern must be a string",
                }.get(kind, "prefix/suffix match pattern must be a string")
            )
        if kind in ("prefix", "suffix") and not value:
            raise InvalidEventPattern("Null prefix/suffix not allowed")
        texts.append(value)
    if inner is not None:
        _one_key(inner, "Too many elements in numeric expression")
    if kind == "equals-ignore-case":
        return anything_but_ignore_case(texts)
    if kind == "prefix":
        return anything_but_prefix(texts)
    if kind == "suffix":
        return anything_but_suffix(texts)
    return anything_but_wildcard([compile_wildcard(t) for t in texts])


def _anything_but_values(values: list, is_list: bool) -> Matcher:
    strings: set[str] = set()
    numbers: list[int | float] = []
    for value in values:
        if isinstance(value, str):
            strings.add(value)
        elif is_number(value):
            if comparable(value) is None:
                raise InvalidEventPattern(RANGE_ERROR)
            numbers.append(value)
        elif is_list:
            raise InvalidEventPattern(
                "Inside anything but list, start|null|boolean is not supported."
            )
    if bool(strings) == bool(numbers):
        raise InvalidEventPattern(
            "Inside anything but list, either all values are number or string, "
            "mixed type is not supported"
        )
    return AnythingBut(frozenset(strings), tuple(numbers))


_LOWER = {">": True, ">=": False}
_UPPER = {"<": True, "<=": False}


def _bound(value: Any, operator: str) -> int:
    if not is_number(value):
        name = "equals" if operator == "=" else operator
        raise InvalidEventPattern(f"Value of {name} must be numeric")
    key = comparable(value)
    if key is None:
        raise InvalidEventPattern(RANGE_ERROR)
    return key


def _numeric(terms: list) -> NumericRange:
    end = object()
    items = iter(terms)
    first = next(items, end)
    if not isinstance(first, str):
        raise InvalidEventPattern(
            f"Invalid member in numeric match: {']' if first is end else _token_text(first)}"
        )
    key = _bound(next(items, end), first) if first in ("=", *_LOWER, *_UPPER) else None
    if key is None:
        raise InvalidEventPattern(f"Unrecognized numeric range operator: {first}")
    following = next(items, end)
    if first == "=" or first in _UPPER:
        if following is not end:
            raise InvalidEventPattern("Too many elements in numeric expression")
        if first == "=":
            return NumericRange(key, False, key, False)
        return NumericRange(None, False, key, _UPPER[first])
    if following is end:
        return NumericRange(key, _LOWER[first], None, False)
    if not isinstance(following, str):
        raise InvalidEventPattern(f"Bad value in numeric range: {_token_text(following)}")
    if following not in _UPPER:
        raise InvalidEventPattern(f"Bad numeric range operator: {following}")
    top = _bound(next(items, end), following)
    if next(items, end) is not end:
        raise InvalidEventPattern("Too many terms in numeric range expression")
    if not key < top:
        raise InvalidEventPattern("Bottom must be less than top")
    return NumericRange(key, _LOWER[first], top, _UPPER[following])
