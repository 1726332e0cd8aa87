"""CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes and tags."""

from __future__ import annotations

import json
import re
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import records
from .base import SnsBase
from .errors import invalid_parameter, resource_not_found, tag_limit_exceeded

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_SETTABLE = {
    "DisplayName",
    "Policy",
    "DeliveryPolicy",
    "KmsMasterKeyId",
    "SignatureVersion",
    "TracingConfig",
    "ContentBasedDeduplication",
    "FifoThroughputScope",
    "ArchivePolicy",
    "DataProtectionPolicy",
}
_PAGE = 100


def default_policy(arn: str, account: str) -> str:
    return json.dumps(
        {
            "Version": "2008-10-17",
            "Id": "__default_policy_ID",
            "Statement": [
                {
                    "Sid": "__default_statement_ID",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "SNS:GetTopicAttributes",
                        "SNS:SetTopicAttributes",
                        "SNS:AddPermission",
                        "SNS:RemovePermission",
                        "SNS:DeleteTopic",
                        "SNS:Subscribe",
                        "SNS:ListSubscriptionsByTopic",
                        "SNS:Publish",
                    ],
                    "Resource": arn,
                    "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
                }
            ],
        }
    )


def _check_attribute(name: str, value: str, fifo: bool) -> None:
    if name == "FifoTopic":
        raise invalid_parameter("Attribute Name: FifoTopic can only be set at topic creation")
    if name not in _SETTABLE and not name.endswith(
        ("SuccessFeedbackRoleArn", "FailureFeedbackRoleArn", "SuccessFeedbackSampleRate")
    ):
        raise invalid_parameter("AttributeName")
    if name == "ContentBasedDeduplication":
        if not fifo:
            raise invalid_parameter(
                "Attributes Reason: Content-based deduplication can only be set for FIFO topics"
            )
        if value not in ("true", "false"):
            raise invalid_parameter(
                "Attributes Reason: ContentBasedDeduplication must be true or false"
            )
    if name in ("Policy", "DeliveryPolicy", "DataProtectionPolicy") and value:
        try:
            json.loads(value)
        except ValueError as e:
            raise invalid_parameter(f"Attributes Reason: {name}: {e}") from e


class TopicOperations(SnsBase):
    def create_topic(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["Name"]
        attributes = dict(p.get("Attributes") or {})
        fifo = attributes.pop("FifoTopic", "false").lower() == "true"
        base = name[: -len(".fifo")] if fifo and name.endswith(".fifo") else name
        if not _NAME.match(base) or (fifo and not name.endswith(".fifo")):
            if fifo:
                raise invalid_parameter(
                    "Fifo Topic names must end with .fifo and must be made up of only uppercase "
                    "and lowercase ASCII letters, numbers, underscores, and hyphens, and must be "
                    "between 1 and 256 characters long."
                )
            raise invalid_parameter("Topic Name")
        for attr, value in attributes.items():
            _check_attribute(attr, value, fifo)
        tags = {t["Key"]: t["Value"] for t in p.get("Tags") or []}
        arn = records.topic_arn(ctx.account_id, ctx.region, name)
        with self.store.transaction() as tx:
            key = records.topic_key(ctx.account_id, ctx.region, name)
            existing = tx.get(records.TOPICS, key)
            if existing is not None:
                for attr, value in attributes.items():
                    if existing["Attributes"].get(attr) != value:
                        raise invalid_parameter(
                            "Attributes Reason: Topic already exists with different attributes"
                        )
                if tags and tags != existing["Tags"]:
                    raise invalid_parameter("Tags Reason: Topic already exists with different tags")
                return {"TopicArn": arn}
            attrs = {"Policy": default_policy(arn, ctx.account_id), "DisplayName": ""}
            if fifo:
                attrs["FifoTopic"] = "true"
                attrs.setdefault("ContentBasedDeduplication", "false")
            attrs.update(attributes)
            tx.put(
                records.TOPICS,
                key,
                {"TopicArn": arn, "Owner": ctx.account_id, "Attributes": attrs, "Tags": tags},
            )
        return {"TopicArn": arn}

    def delete_topic(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        account, region, name = self.topic_ref(ctx, p["TopicArn"])
        with self.store.transaction() as tx:
            tx.delete(records.TOPICS, records.topic_key(account, region, name))
            lo, hi = keys.prefix_range(account, region, name)
            for key, _ in list(tx.scan(records.SUBSCRIPTIONS, lo, hi)):
                tx.delete(records.SUBSCRIPTIONS, key)
        return {}

    def list_topics(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        token = p.get("NextToken")
        if token:
            try:
                lo = keys.after(keys.pack(ctx.account_id, ctx.region, token))
            except Exception as e:
                raise invalid_parameter("NextToken") from e
        page = [v for _, v in self.store.scan(records.TOPICS, lo, hi, limit=_PAGE + 1)]
        out: dict[str, Any] = {"Topics": [{"TopicArn": t["TopicArn"]} for t in page[:_PAGE]]}
        if len(page) > _PAGE:
            out["NextToken"] = page[_PAGE - 1]["TopicArn"].split(":")[5]
        return out

    def get_topic_attributes(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(ctx, p["TopicArn"])
        subs = self.subscriptions_of(topic["TopicArn"])
        confirmed = sum(1 for s in subs if not s.get("Pending"))
        attrs = {
            **topic["Attributes"],
            "TopicArn": topic["TopicArn"],
            "Owner": topic["Owner"],
            "SubscriptionsConfirmed": str(confirmed),
            "SubscriptionsPending": str(len(subs) - confirmed),
            "SubscriptionsDeleted": "0",
            "EffectiveDeliveryPolicy": topic["Attributes"].get("DeliveryPolicy")
            or json.dumps(
                {
                    "http": {
                        "defaultHealthyRetryPolicy": {
                            "minDelayTarget": 20,
                            "maxDelayTarget": 20,
                            "numRetries": 3,
                            "numMaxDelayRetries": 0,
                            "numNoDelayRetries": 0,
                            "numMinDelayRetries": 0,
                            "backoffFunction": "linear",
                        },
                        "disableSubscriptionOverrides": False,
                        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
                    }
                }
            ),
        }
        return {"Attributes": attrs}

    def set_topic_attributes(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        with self.store.transaction() as tx:
            topic = self.topic(ctx, p["TopicArn"], tx)
            fifo = topic["Attributes"].get("FifoTopic") == "true"
            name, value = p["AttributeName"], p.get("AttributeValue") or ""
            _check_attribute(name, value, fifo)
            topic["Attributes"][name] = value
            self.save_topic(topic, tx)
        return {}

    # -- tags ---------------------------------------------------------------------------
    def _tagged(self, ctx: RequestContext, arn: str, tx: Any) -> dict[str, Any]:
        parsed = records.parse_topic_arn(arn)
        record = parsed and tx.get(records.TOPICS, records.topic_key(*parsed))
        if not record:
            raise resource_not_found()
        return record

    def tag_resource(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        with self.store.transaction() as tx:
            topic = self._tagged(ctx, p["ResourceArn"], tx)
            topic["Tags"].update({t["Key"]: t["Value"] for t in p["Tags"]})
            if len(topic["Tags"]) > 50:
                raise tag_limit_exceeded()
            self.save_topic(topic, tx)
        return {}

    def untag_resource(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        with self.store.transaction() as tx:
            topic = self._tagged(ctx, p["ResourceArn"], tx)
            for key in p["TagKeys"]:
                topic["Tags"].pop(key, None)
            self.save_topic(topic, tx)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        topic = self._tagged(ctx, p["ResourceArn"], self.store)
        return {"Tags": [{"Key": k, "Value": v} for k, v in topic["Tags"].items()]}
