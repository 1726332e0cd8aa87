"""Subscribe, Unsubscribe, ConfirmSubscription, ListSubscriptions(ByTopic), Get/SetSubscriptionAttributes."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from typing import Any

from ...auth import RequestContext
from ...store import keys
from . import filter_policy, records
from .base import SnsBase
from .errors import invalid_parameter

PROTOCOLS = {
    "sqs",
    "lambda",
    "http",
    "https",
    "email",
    "email-json",
    "sms",
    "application",
    "firehose",
}
NEEDS_CONFIRMATION = {"http", "https", "email", "email-json"}
_SETTABLE = {
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
}
_PAGE = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _check_endpoint(protocol: str, endpoint: str | None) -> None:
    if protocol not in PROTOCOLS:
        raise invalid_parameter("Amazon SNS does not support this protocol string: " + protocol)
    if not endpoint:
        raise invalid_parameter("Endpoint")
    if protocol == "sqs" and not re.match(r"^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:.+$", endpoint):
        raise invalid_parameter("SQS endpoint ARN")
    if protocol == "lambda" and not re.match(
        r"^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:.+$", endpoint
    ):
        raise invalid_parameter("Lambda endpoint ARN")
    if protocol in ("http", "https") and not endpoint.lower().startswith(protocol + "://"):
        raise invalid_parameter("Endpoint must match the specified protocol")
    if protocol in ("email", "email-json") and not _EMAIL.match(endpoint):
        raise invalid_parameter("Email address")


def check_attribute(name: str, value: str, protocol: str) -> None:
    if name not in _SETTABLE:
        raise invalid_parameter(f"Attributes Reason: Unknown attribute {name}")
    if name == "RawMessageDelivery":
        if value.lower() not in ("true", "false"):
            raise invalid_parameter("Attributes Reason: RawMessageDelivery: Invalid value")
        if value.lower() == "true" and protocol not in ("sqs", "http", "https", "firehose"):
            raise invalid_parameter(
                "Attributes Reason: Delivery protocol ["
                + protocol
                + "] does not support raw message delivery."
            )
    elif name == "FilterPolicy" and value:
        try:
            filter_policy.parse(value)
        except filter_policy.InvalidFilterPolicy as e:
            raise invalid_parameter(f"FilterPolicy: {e}") from e
    elif name == "FilterPolicyScope" and value not in ("MessageAttributes", "MessageBody"):
        raise invalid_parameter(
            "Attributes Reason: FilterPolicyScope: Invalid value ["
            + value
            + "]. Please use either MessageBody or MessageAttributes"
        )
    elif name == "RedrivePolicy" and value:
        try:
            target = json.loads(value)["deadLetterTargetArn"]
        except (ValueError, KeyError, TypeError) as e:
            raise invalid_parameter("RedrivePolicy: Redrive policy is not a valid JSON") from e
        if not str(target).startswith("arn:aws:sqs:"):
            raise invalid_parameter("RedrivePolicy: Invalid deadLetterTargetArn")


def _summary(sub: dict[str, Any]) -> dict[str, Any]:
    return {
        "SubscriptionArn": "PendingConfirmation" if sub["Pending"] else sub["SubscriptionArn"],
        "Owner": sub["Owner"],
        "Protocol": sub["Protocol"],
        "Endpoint": sub["Endpoint"],
        "TopicArn": sub["TopicArn"],
    }


class SubscriptionOperations(SnsBase):
    def subscribe(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        protocol, endpoint = p["Protocol"].lower(), p.get("Endpoint")
        _check_endpoint(protocol, endpoint)
        attributes = dict(p.get("Attributes") or {})
        for name, value in attributes.items():
            check_attribute(name, value, protocol)
        if "FilterPolicy" in attributes:
            attributes.setdefault("FilterPolicyScope", "MessageAttributes")
        with self.store.transaction() as tx:
            topic = self.topic(ctx, p["TopicArn"], tx)
            arn = topic["TopicArn"]
            if topic["Attributes"].get("FifoTopic") == "true" and protocol != "sqs":
                raise invalid_parameter("Invalid protocol type: " + protocol)
            for existing in self.subscriptions_of(arn, tx):
                if existing["Protocol"] == protocol and existing["Endpoint"] == endpoint:
                    if any(existing["Attributes"].get(k) != v for k, v in attributes.items()):
                        raise invalid_parameter(
                            "Attributes Reason: Subscription already exists with different attributes"
                        )
                    return self._subscribe_result(existing, p)
            pending = protocol in NEEDS_CONFIRMATION
            sub = {
                "SubscriptionArn": f"{arn}:{uuid.uuid4()}",
                "TopicArn": arn,
                "Protocol": protocol,
                "Endpoint": endpoint,
                "Owner": ctx.account_id,
                "Pending": pending,
                "Attributes": attributes,
                "Host": ctx.host,
            }
            if pending:
                sub["Token"] = secrets.token_hex(64)
                tx.put(records.TOKENS, keys.pack(sub["Token"]), sub["SubscriptionArn"])
            self.save_subscription(sub, tx)
        if pending:
            self.send_confirmation(sub)  # type: ignore[attr-defined]
        return self._subscribe_result(sub, p)

    @staticmethod
    def _subscribe_result(sub: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
        if sub["Pending"] and not p.get("ReturnSubscriptionArn"):
            return {"SubscriptionArn": "pending confirmation"}
        return {"SubscriptionArn": sub["SubscriptionArn"]}

    def confirm_subscription(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        self.topic(ctx, p["TopicArn"])
        authenticate = str(p.get("AuthenticateOnUnsubscribe", "")).lower() == "true"
        return {"SubscriptionArn": self.confirm(p["TopicArn"], p["Token"], authenticate)}

    def confirm(self, topic_arn: str, token: str, authenticate: bool = False) -> str:
        """Confirm the subscription `token` was sent for; its ARN, or InvalidParameter."""
        with self.store.transaction() as tx:
            arn = tx.get(records.TOKENS, keys.pack(token))
            if arn is None:
                raise invalid_parameter("Token")
            sub = self.subscription(arn, tx)
            if sub["TopicArn"] != topic_arn:
                raise invalid_parameter("Token")
            sub["Pending"] = False
            if authenticate:
                sub["AuthenticateOnUnsubscribe"] = True
            self.save_subscription(sub, tx)
        return arn

    def unsubscribe(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        parsed = records.parse_subscription_arn(p["SubscriptionArn"])
        if parsed is None:
            raise invalid_parameter("SubscriptionArn Reason: An ARN must have at least 6 elements")
        with self.store.transaction() as tx:
            sub = tx.get(records.SUBSCRIPTIONS, records.subscription_key(*parsed))
            if sub is not None:
                if sub.get("Token"):
                    tx.delete(records.TOKENS, keys.pack(sub["Token"]))
                tx.delete(records.SUBSCRIPTIONS, records.subscription_key(*parsed))
        return {}

    def list_subscriptions(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        return self._page(lo, hi, p.get("NextToken"))

    def list_subscriptions_by_topic(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(ctx, p["TopicArn"])
        lo, hi = keys.prefix_range(*records.parse_topic_arn(topic["TopicArn"]))  # type: ignore[misc]
        return self._page(lo, hi, p.get("NextToken"))

    def _page(self, lo: bytes, hi: bytes, token: str | None) -> dict[str, Any]:
        if token:
            parsed = records.parse_subscription_arn(token)
            if parsed is None:
                raise invalid_parameter("NextToken")
            lo = max(lo, keys.after(records.subscription_key(*parsed)))
        page = [v for _, v in self.store.scan(records.SUBSCRIPTIONS, lo, hi, limit=_PAGE + 1)]
        out: dict[str, Any] = {"Subscriptions": [_summary(s) for s in page[:_PAGE]]}
        if len(page) > _PAGE:
            out["NextToken"] = page[_PAGE - 1]["SubscriptionArn"]
        return out

    def get_subscription_attributes(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        sub = self.subscription(p["SubscriptionArn"])
        attrs = {
            "RawMessageDelivery": "false",
            **sub["Attributes"],
            "SubscriptionArn": sub["SubscriptionArn"],
            "TopicArn": sub["TopicArn"],
            "Protocol": sub["Protocol"],
            "Endpoint": sub["Endpoint"],
            "Owner": sub["Owner"],
            "PendingConfirmation": "true" if sub["Pending"] else "false",
            "ConfirmationWasAuthenticated": "true"
            if sub.get("AuthenticateOnUnsubscribe")
            else "false",
            "SubscriptionPrincipal": f"arn:aws:iam::{sub['Owner']}:root",
        }
        return {"Attributes": attrs}

    def set_subscription_attributes(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        with self.store.transaction() as tx:
            sub = self.subscription(p["SubscriptionArn"], tx)
            name, value = p["AttributeName"], p.get("AttributeValue") or ""
            check_attribute(name, value, sub["Protocol"])
            if value == "" and name in ("FilterPolicy", "RedrivePolicy"):
                sub["Attributes"].pop(name, None)
                if name == "FilterPolicy":
                    sub["Attributes"].pop("FilterPolicyScope", None)
            else:
                sub["Attributes"][name] = value
                if name == "FilterPolicy":
                    sub["Attributes"].setdefault("FilterPolicyScope", "MessageAttributes")
            self.save_subscription(sub, tx)
        return {}
