"""Whether a topic's policy lets another AWS service (S3, for one) publish to it."""

from __future__ import annotations

from ...auth.policy import ALLOW, decide, service_request
from ...protocol import ServiceError
from . import records
from .base import SnsBase


class TopicAccessOperations(SnsBase):
    def service_may_publish(
        self,
        account: str,
        region: str,
        topic: str,
        service_principal: str,
        source_arn: str | None = None,
        source_account: str | None = None,
    ) -> bool:
        """Does the topic's policy let `service_principal` (e.g. "s3.amazonaws.com") call
        sns:Publish on behalf of `source_arn`? `topic`: ARN or name. Raises NotFound."""
        parsed = records.parse_topic_arn(topic) or (account, region, topic)
        record = self.store.get(records.TOPICS, records.topic_key(*parsed))
        if not record:
            raise ServiceError("NotFound", "Topic does not exist", 404)
        request = service_request(
            service_principal, "sns:Publish", records.topic_arn(*parsed), source_arn, source_account
        )
        return decide((record.get("Attributes") or {}).get("Policy"), request) == ALLOW
