"""Whether a topic's policy lets another AWS service (S3, for one) publish to it."""

from __future__ import annotations

from ...auth.policy import ALLOW, MalformedPolicy, Request, evaluate, parse
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
        policy_text = (record.get("Attributes") or {}).get("Policy")
        if not policy_text:
            return False
        try:
            statements = parse(policy_text)
        except MalformedPolicy:
            return False
        context = {}
        if source_arn:
            context["aws:SourceArn"] = source_arn
        if source_account:
            context["aws:SourceAccount"] = source_account
        request = Request(
            principal_arn="*",
            account_id=source_account or "",
            action="sns:Publish",
            resource=records.topic_arn(*parsed),
            context=context,
            service_principal=service_principal,
        )
        return evaluate(statements, request) == ALLOW
