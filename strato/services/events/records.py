"""How buses, rules, targets, schedules and pending deliveries sit in the store.

`events:buses` (account, region, bus) -> {"Name", "Arn", "Description", "CreationTime"}
`events:rules` (account, region, bus, rule) -> the rule (DescribeRule's fields)
`events:targets` (account, region, bus, rule, target id) -> the target as PutTargets gave it
`events:tags` (resource arn) -> {key: value}
`events:schedule` (account, region, rule) -> {"Next": epoch seconds}
`events:deliveries` (due ms, id) -> one event for one target, with its attempt count
"""

from __future__ import annotations

from ...store import keys

BUSES = "events:buses"
RULES = "events:rules"
TARGETS = "events:targets"
TAGS = "events:tags"
SCHEDULE = "events:schedule"
DEFAULT_BUS = "default"


def bus_key(account: str, region: str, bus: str) -> bytes:
    return keys.pack(account, region, bus)


def rule_key(account: str, region: str, bus: str, rule: str) -> bytes:
    return keys.pack(account, region, bus, rule)


def target_key(account: str, region: str, bus: str, rule: str, target_id: str) -> bytes:
    return keys.pack(account, region, bus, rule, target_id)


def bus_arn(account: str, region: str, bus: str) -> str:
    return f"arn:aws:events:{region}:{account}:event-bus/{bus}"


def rule_arn(account: str, region: str, bus: str, rule: str) -> str:
    path = rule if bus == DEFAULT_BUS else f"{bus}/{rule}"
    return f"arn:aws:events:{region}:{account}:rule/{path}"


def parse_arn(arn: str) -> tuple[str, str, str, str] | None:
    """(service, region, account, resource) of an ARN, or None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[2], parts[3], parts[4], parts[5]


def bus_name(ref: str | None) -> str:
    """The bus a name or ARN refers to (default when empty)."""
    if not ref:
        return DEFAULT_BUS
    if ref.startswith("arn:"):
        parsed = parse_arn(ref)
        if parsed and parsed[3].startswith("event-bus/"):
            return parsed[3][len("event-bus/") :]
    return ref
