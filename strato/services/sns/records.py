"""Where SNS keeps its state in the store, and how its ARNs are made and read."""

from __future__ import annotations

from ...store import keys

TOPICS = "sns:topics"  # (account, region, name) -> topic record
SUBSCRIPTIONS = "sns:subscriptions"  # (account, region, topic name, id) -> subscription
TOKENS = "sns:tokens"  # (token,) -> subscription ARN awaiting confirmation
DEDUP = "sns:dedup"  # (topic ARN, dedup id) -> {"Expires", "MessageId"}
OUTBOX = "sns:outbox"  # (sequence,) -> one captured email


def topic_key(account: str, region: str, name: str) -> bytes:
    return keys.pack(account, region, name)


def subscription_key(account: str, region: str, topic: str, sub_id: str) -> bytes:
    return keys.pack(account, region, topic, sub_id)


def topic_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{name}"


def parse_topic_arn(arn: str) -> tuple[str, str, str] | None:
    """(account, region, name) of a topic ARN, or None."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sns":
        return None
    return parts[4], parts[3], parts[5]


def parse_subscription_arn(arn: str) -> tuple[str, str, str, str] | None:
    """(account, region, topic name, subscription id) of a subscription ARN, or None."""
    parts = arn.split(":")
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "sns":
        return None
    return parts[4], parts[3], parts[5], parts[6]
