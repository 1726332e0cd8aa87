"""SNS subscription filter policies: does a message's attributes (or JSON body) match?

Written for SNS rather than wrapping the EventBridge engine because the two differ where
it matters: message attributes are typed (a Number attribute matches numerically, a
String.Array matches if any element does), a missing attribute matches only
`{"exists": false}`, and SNS's operator set and validation messages are its own.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

_MISSING = object()
_NUMERIC_OPS = {"=", "<", "<=", ">", ">="}


class InvalidFilterPolicy(ValueError):
    pass


def parse(text: str) -> dict[str, Any]:
    """The policy as a dict, or InvalidFilterPolicy with the reason."""
    try:
        policy = json.loads(text)
    except ValueError as e:
        raise InvalidFilterPolicy(f"Failed to parse JSON: {e}") from e
    if not isinstance(policy, dict):
        raise InvalidFilterPolicy("Filter policy must be a JSON object")
    _check_object(policy)
    return policy


def _check_object(policy: dict[str, Any]) -> None:
    for key, value in policy.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise InvalidFilterPolicy("$or must be a list of at least two objects")
            for branch in value:
                if not isinstance(branch, dict):
                    raise InvalidFilterPolicy("$or must be a list of objects")
                _check_object(branch)
        elif isinstance(value, dict):
            _check_object(value)
        elif isinstance(value, list):
            if not value:
                raise InvalidFilterPolicy(f'Empty arrays are not allowed for "{key}"')
            for rule in value:
                _check_rule(rule)
        else:
            raise InvalidFilterPolicy(f'"{key}" must be an object or an array')


def _check_rule(rule: Any) -> None:
    if not isinstance(rule, dict):
        return
    if len(rule) != 1:
        raise InvalidFilterPolicy("Only one key allowed in match expression")
    op, arg = next(iter(rule.items()))
    if op == "numeric":
        _numeric_pairs(arg)
    elif op == "exists":
        if not isinstance(arg, bool):
            raise InvalidFilterPolicy("exists match pattern must be either true or false.")
    elif op in ("prefix", "suffix", "equals-ignore-case"):
        if not isinstance(arg, str):
            raise InvalidFilterPolicy(f"{op} match pattern must be a string")
    elif op == "cidr":
        try:
            ipaddress.ip_network(arg, strict=False)
        except (TypeError, ValueError) as e:
            raise InvalidFilterPolicy("Malformed CIDR, one '/' required") from e
    elif op != "anything-but":
        raise InvalidFilterPolicy(f"Unrecognized match type {op}")


def _numeric_pairs(arg: Any) -> list[tuple[str, float]]:
    if not isinstance(arg, list) or not arg or len(arg) % 2:
        raise InvalidFilterPolicy("Value of numeric must be an array.")
    pairs = []
    for i in range(0, len(arg), 2):
        op, value = arg[i], arg[i + 1]
        if op not in _NUMERIC_OPS or isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidFilterPolicy(f"Unrecognized numeric range operator: {op}")
        pairs.append((op, float(value)))
    return pairs


# -- matching -------------------------------------------------------------------------
def matches_attributes(policy: dict[str, Any], attributes: dict[str, dict[str, Any]]) -> bool:
    """MessageAttributes scope: `attributes` as Publish takes them ({DataType, StringValue})."""
    values: dict[str, Any] = {}
    for name, attr in attributes.items():
        data_type = attr.get("DataType", "String")
        text = attr.get("StringValue")
        if text is None:
            continue  # Binary attributes are never matched
        if data_type.startswith("Number"):
            try:
                values[name] = [float(text)]
            except ValueError:
                values[name] = [text]
        elif data_type == "String.Array":
            try:
                parsed = json.loads(text)
                values[name] = parsed if isinstance(parsed, list) else [parsed]
            except ValueError:
                values[name] = [text]
        else:
            values[name] = [text]
    return _match_object(policy, values, flat=True)


def matches_body(policy: dict[str, Any], body: str) -> bool:
    """MessageBody scope: the message must be a JSON object."""
    try:
        document = json.loads(body)
    except ValueError:
        return False
    return isinstance(document, dict) and _match_object(policy, document, flat=False)


def _match_object(policy: dict[str, Any], document: Any, flat: bool) -> bool:
    for key, rules in policy.items():
        if key == "$or":
            if not any(_match_object(branch, document, flat) for branch in rules):
                return False
            continue
        value = document.get(key, _MISSING) if isinstance(document, dict) else _MISSING
        if isinstance(rules, dict):
            if flat or value is _MISSING:
                return False
            candidates = value if isinstance(value, list) else [value]
            if not any(_match_object(rules, c, flat) for c in candidates):
                return False
            continue
        if not _match_value(rules, value):
            return False
    return True


def _match_value(rules: list, value: Any) -> bool:
    if value is _MISSING:
        return any(isinstance(r, dict) and r.get("exists") is False for r in rules)
    candidates = value if isinstance(value, list) else [value]
    return any(_rule(rule, c) for rule in rules for c in candidates)


def _rule(rule: Any, value: Any) -> bool:
    if not isinstance(rule, dict):
        return _equal(rule, value)
    op, arg = next(iter(rule.items()))
    if op == "exists":
        return arg is True
    if op == "prefix":
        return isinstance(value, str) and value.startswith(arg)
    if op == "suffix":
        return isinstance(value, str) and value.endswith(arg)
    if op == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == arg.lower()
    if op == "numeric":
        number = _number(value)
        return number is not None and all(
            _compare(number, o, bound) for o, bound in _numeric_pairs(arg)
        )
    if op == "cidr":
        try:
            return ipaddress.ip_address(value) in ipaddress.ip_network(arg, strict=False)
        except (TypeError, ValueError):
            return False
    if op == "anything-but":
        return not _anything_but_hits(arg, value)
    return False


def _anything_but_hits(arg: Any, value: Any) -> bool:
    if isinstance(arg, dict):
        ((op, operand),) = arg.items()
        if op == "prefix":
            return isinstance(value, str) and value.startswith(operand)
        if op == "suffix":
            return isinstance(value, str) and value.endswith(operand)
        if op == "equals-ignore-case":
            options = operand if isinstance(operand, list) else [operand]
            return isinstance(value, str) and value.lower() in {o.lower() for o in options}
        return False
    options = arg if isinstance(arg, list) else [arg]
    return any(_equal(o, value) for o in options)


def _equal(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return expected is value
    if isinstance(expected, int | float):
        number = _number(value)
        return number is not None and number == float(expected)
    if expected is None:
        return value is None
    return isinstance(value, str) and value == expected


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _compare(number: float, op: str, bound: float) -> bool:
    return {
        "=": number == bound,
        "<": number < bound,
        "<=": number <= bound,
        ">": number > bound,
        ">=": number >= bound,
    }[op]
