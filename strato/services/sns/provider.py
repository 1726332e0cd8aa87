"""The SNS provider: every operation Strato implements, composed by area.

Other parts of Strato publish without HTTP through `publish_internal(account, region,
topic, message, subject=None, attributes=None, group_id=None, dedup_id=None) -> message_id`
(`topic`: ARN or name), ask `service_may_publish(account, region, topic, service_principal,
source_arn=None, source_account=None)` before publishing on a resource's behalf, and
Lambda's destinations go through `deliver_lambda_destination` /
`deliver_lambda_dead_letter`. Strato's own routes: GET/DELETE /_strato/outbox (captured
email), and the SubscribeURL / UnsubscribeURL links under /_strato/sns/.
"""

from __future__ import annotations

from ...platform import Platform
from .delivery import DeliveryOperations
from .email_outbox import EmailOutboxOperations
from .links import LinkOperations
from .publishing import PublishOperations
from .subscriptions import SubscriptionOperations
from .topic_access import TopicAccessOperations
from .topics import TopicOperations


class SnsProvider(
    TopicOperations,
    TopicAccessOperations,
    SubscriptionOperations,
    PublishOperations,
    DeliveryOperations,
    EmailOutboxOperations,
    LinkOperations,
):
    """Topics, subscriptions, publishing, and delivery to SQS, Lambda, HTTP and email."""

    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        self.register_deliveries()
