"""IAM policy documents: does a statement set allow, deny, or say nothing about a request?

Implements the evaluation rules AWS documents for resource-based policies: an explicit
Deny wins, then an Allow, else the request is implicitly denied. Principal, NotPrincipal,
Action, NotAction, Resource, NotResource and Condition (with the common operators,
IfExists, and ForAnyValue/ForAllValues) are honoured.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

ALLOW = "Allow"
DENY = "Deny"
NOT_APPLICABLE = "NotApplicable"


@dataclass
class Request:
    principal_arn: str  # "*" for anonymous callers
    account_id: str
    action: str  # e.g. "s3:GetObject"
    resource: str  # ARN
    context: dict[str, Any] = field(default_factory=dict)  # condition keys, e.g. aws:SourceArn
    service_principal: str | None = None  # e.g. "sns.amazonaws.com" when a service calls


class MalformedPolicy(ValueError):
    pass


def parse(document: str | dict) -> list[dict[str, Any]]:
    """The statements of a policy document, or MalformedPolicy saying what is wrong."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as e:
            raise MalformedPolicy(f"Policy is not valid JSON: {e}") from e
    if not isinstance(document, dict):
        raise MalformedPolicy("Policy must be a JSON object")
    statements = document.get("Statement")
    if statements is None:
        raise MalformedPolicy("Missing required field Statement")
    if isinstance(statements, dict):
        statements = [statements]
    for s in statements:
        if not isinstance(s, dict) or s.get("Effect") not in (ALLOW, DENY):
            raise MalformedPolicy("Invalid effect: each statement needs Effect Allow or Deny")
        if "Action" not in s and "NotAction" not in s:
            raise MalformedPolicy("Missing required field Action")
    return statements


def evaluate(statements: list[dict[str, Any]], request: Request) -> str:
    decision = NOT_APPLICABLE
    for s in statements:
        if not _applies(s, request):
            continue
        if s["Effect"] == DENY:
            return DENY
        decision = ALLOW
    return decision


def decide(document: str | None, request: Request) -> str:
    """ALLOW, DENY or NOT_APPLICABLE from a stored resource policy; a missing or broken
    policy grants nothing."""
    if not document:
        return NOT_APPLICABLE
    try:
        statements = _parsed(document)
    except MalformedPolicy:
        return NOT_APPLICABLE
    return evaluate(statements, request)


@functools.lru_cache(maxsize=512)
def _parsed(document: str) -> list[dict[str, Any]]:
    """parse() once per policy text: decide() runs per request and per delivery."""
    return parse(document)


def service_request(
    service_principal: str,
    action: str,
    resource: str,
    source_arn: str | None = None,
    source_account: str | None = None,
) -> Request:
    """What a resource policy is asked when an AWS service (e.g. "s3.amazonaws.com") acts on
    behalf of `source_arn` (a bucket, a topic) owned by `source_account`."""
    context = {}
    if source_arn:
        context["aws:SourceArn"] = source_arn
    if source_account:
        context["aws:SourceAccount"] = source_account
    return Request(
        principal_arn="*",
        account_id=source_account or "",
        action=action,
        resource=resource,
        context=context,
        service_principal=service_principal,
    )


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _applies(s: dict[str, Any], r: Request) -> bool:
    if "Principal" in s and not _principal_matches(s["Principal"], r):
        return False
    if "NotPrincipal" in s and _principal_matches(s["NotPrincipal"], r):
        return False
    if "Action" in s and not any(_action_matches(a, r.action) for a in _as_list(s["Action"])):
        return False
    if "NotAction" in s and any(_action_matches(a, r.action) for a in _as_list(s["NotAction"])):
        return False
    if "Resource" in s and not any(_wildcard(p, r.resource) for p in _as_list(s["Resource"])):
        return False
    if "NotResource" in s and any(_wildcard(p, r.resource) for p in _as_list(s["NotResource"])):
        return False
    return _conditions_hold(s.get("Condition") or {}, r.context)


def _principal_matches(principal: Any, r: Request) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for kind, values in principal.items():
        for value in _as_list(values):
            if kind == "AWS":
                if value == "*" or value == r.account_id or value == r.principal_arn:
                    return True
                if value == f"arn:aws:iam::{r.account_id}:root" and r.principal_arn != "*":
                    return True
            elif kind == "Service" and r.service_principal == value:
                return True
            elif kind == "Federated" and value == r.context.get("aws:FederatedProvider"):
                return True
    return False


def _action_matches(pattern: str, action: str) -> bool:
    p_service, _, p_name = pattern.partition(":")
    a_service, _, a_name = action.partition(":")
    if pattern == "*":
        return True
    return p_service.lower() == a_service.lower() and _wildcard(p_name.lower(), a_name.lower())


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern:
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.DOTALL)


def _wildcard(pattern: str, value: str) -> bool:
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:
        return pattern == value
    return _compile(pattern).fullmatch(value) is not None


# -- conditions ----------------------------------------------------------------
def _conditions_hold(block: dict[str, Any], context: dict[str, Any]) -> bool:
    for operator, tests in block.items():
        if not isinstance(tests, dict):
            return False
        for key, expected in tests.items():
            if not _condition(operator, key, _as_list(expected), context):
                return False
    return True


def _lookup(context: dict[str, Any], key: str) -> Any:
    if key in context:
        return context[key]
    lowered = key.lower()
    for k, v in context.items():
        if k.lower() == lowered:
            return v
    return None


def _condition(operator: str, key: str, expected: list, context: dict[str, Any]) -> bool:
    qualifier = None
    if ":" in operator and operator.split(":")[0] in ("ForAnyValue", "ForAllValues"):
        qualifier, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[: -len("IfExists")]
    actual = _lookup(context, key)
    if operator == "Null":
        want_null = str(expected[0]).lower() == "true"
        return (actual is None) == want_null
    if actual is None:
        if qualifier == "ForAllValues":
            return True
        return if_exists or operator.startswith(("StringNot", "ArnNot", "NotIp"))
    test = _OPERATORS.get(operator)
    if test is None:
        return False  # an operator we do not know never grants anything
    values = _as_list(actual)
    negated = operator in _NEGATED
    if qualifier == "ForAllValues":
        return all(test(v, expected) for v in values)
    if qualifier == "ForAnyValue":
        return any(test(v, expected) for v in values)
    if negated:
        return all(test(v, expected) for v in values)
    return any(test(v, expected) for v in values)


def _num(x: Any) -> float:
    return float(x)


def _ip_in(value: Any, expected: list) -> bool:
    try:
        addr = ipaddress.ip_address(str(value))
        return any(addr in ipaddress.ip_network(str(e), strict=False) for e in expected)
    except ValueError:
        return False


def _bool(value: Any) -> str:
    return str(value).lower()


_OPERATORS = {
    "StringEquals": lambda v, e: str(v) in [str(x) for x in e],
    "StringNotEquals": lambda v, e: str(v) not in [str(x) for x in e],
    "StringEqualsIgnoreCase": lambda v, e: str(v).lower() in [str(x).lower() for x in e],
    "StringNotEqualsIgnoreCase": lambda v, e: str(v).lower() not in [str(x).lower() for x in e],
    "StringLike": lambda v, e: any(_wildcard(str(x), str(v)) for x in e),
    "StringNotLike": lambda v, e: not any(_wildcard(str(x), str(v)) for x in e),
    "ArnEquals": lambda v, e: str(v) in [str(x) for x in e],
    "ArnNotEquals": lambda v, e: str(v) not in [str(x) for x in e],
    "ArnLike": lambda v, e: any(_wildcard(str(x), str(v)) for x in e),
    "ArnNotLike": lambda v, e: not any(_wildcard(str(x), str(v)) for x in e),
    "NumericEquals": lambda v, e: any(_num(v) == _num(x) for x in e),
    "NumericNotEquals": lambda v, e: all(_num(v) != _num(x) for x in e),
    "NumericLessThan": lambda v, e: any(_num(v) < _num(x) for x in e),
    "NumericLessThanEquals": lambda v, e: any(_num(v) <= _num(x) for x in e),
    "NumericGreaterThan": lambda v, e: any(_num(v) > _num(x) for x in e),
    "NumericGreaterThanEquals": lambda v, e: any(_num(v) >= _num(x) for x in e),
    "Bool": lambda v, e: _bool(v) in [_bool(x) for x in e],
    "IpAddress": lambda v, e: _ip_in(v, e),
    "NotIpAddress": lambda v, e: not _ip_in(v, e),
}
_NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
    "NumericNotEquals",
    "NotIpAddress",
}
