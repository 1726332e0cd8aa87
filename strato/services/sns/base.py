"""State every group of SNS operations shares: the store, the clock, record look-ups."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from ...store import keys
from . import records
from .errors import invalid_parameter, subscription_not_found, topic_not_found


class SnsBase:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock

    def topic_ref(self, ctx: RequestContext, arn: str, name: str = "TopicArn") -> tuple:
        parsed = records.parse_topic_arn(arn)
        if parsed is None:
            raise invalid_parameter(name)
        return parsed

    def topic(self, ctx: RequestContext, arn: str, store: Any = None) -> dict[str, Any]:
        account, region, name = self.topic_ref(ctx, arn)
        record = (store or self.store).get(records.TOPICS, records.topic_key(account, region, name))
        if record is None:
            raise topic_not_found()
        return record

    def save_topic(self, record: dict[str, Any], store: Any = None) -> None:
        account, region, name = records.parse_topic_arn(record["TopicArn"])  # type: ignore[misc]
        (store or self.store).put(records.TOPICS, records.topic_key(account, region, name), record)

    def subscription(self, arn: str, store: Any = None) -> dict[str, Any]:
        parsed = records.parse_subscription_arn(arn)
        if parsed is None:
            raise invalid_parameter("SubscriptionArn Reason: An ARN must have at least 6 elements")
        record = (store or self.store).get(records.SUBSCRIPTIONS, records.subscription_key(*parsed))
        if record is None:
            raise subscription_not_found()
        return record

    def save_subscription(self, record: dict[str, Any], store: Any = None) -> None:
        parsed = records.parse_subscription_arn(record["SubscriptionArn"])
        (store or self.store).put(records.SUBSCRIPTIONS, records.subscription_key(*parsed), record)  # type: ignore[misc]

    def subscriptions_of(self, topic_arn: str, store: Any = None) -> list[dict[str, Any]]:
        account, region, name = records.parse_topic_arn(topic_arn)  # type: ignore[misc]
        lo, hi = keys.prefix_range(account, region, name)
        return [v for _, v in (store or self.store).scan(records.SUBSCRIPTIONS, lo, hi)]
