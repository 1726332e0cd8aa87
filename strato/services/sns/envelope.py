"""The documents SNS delivers: the notification JSON envelope, the Lambda event, confirmations.

Signatures are HMAC-SHA256 over AWS's canonical string with a per-process key, base64:
the fields are there and well-formed, but not verifiable with a certificate (Strato
has none to publish at SigningCertURL).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.parse
from typing import Any

_KEY = secrets.token_bytes(32)


def timestamp(seconds: float) -> str:
    t = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _sign(fields: dict[str, Any], order: list[str]) -> str:
    canonical = "".join(f"{k}\n{fields[k]}\n" for k in order if fields.get(k) is not None)
    return base64.b64encode(hmac.new(_KEY, canonical.encode(), hashlib.sha256).digest()).decode()


def cert_url(region: str) -> str:
    return f"https://sns.{region}.amazonaws.com/SimpleNotificationService-strato.pem"


def unsubscribe_url(host: str, sub_arn: str) -> str:
    query = urllib.parse.urlencode({"SubscriptionArn": sub_arn}, safe=":")
    return f"http://{host or 'localhost'}/_strato/sns/unsubscribe?{query}"


def wire_attributes(attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """As the envelope shows them: Binary values stay base64 text."""
    return {
        name: {"Type": attr["DataType"], "Value": attr.get("StringValue", attr.get("BinaryValue"))}
        for name, attr in attributes.items()
    }


def notification(message: dict[str, Any], text: str, sub: dict[str, Any]) -> dict[str, Any]:
    region = message["TopicArn"].split(":")[3]
    doc: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": message["MessageId"],
        "TopicArn": message["TopicArn"],
    }
    if message.get("Subject") is not None:
        doc["Subject"] = message["Subject"]
    doc["Message"] = text
    if message.get("SequenceNumber"):
        doc["SequenceNumber"] = message["SequenceNumber"]
    doc["Timestamp"] = message["Timestamp"]
    doc["SignatureVersion"] = "1"
    doc["Signature"] = _sign(
        doc, ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    )
    doc["SigningCertURL"] = cert_url(region)
    doc["UnsubscribeURL"] = unsubscribe_url(sub.get("Host", ""), sub["SubscriptionArn"])
    if message.get("MessageAttributes"):
        doc["MessageAttributes"] = wire_attributes(message["MessageAttributes"])
    return doc


def lambda_event(message: dict[str, Any], text: str, sub: dict[str, Any]) -> dict[str, Any]:
    doc = notification(message, text, sub)
    sns = {
        "Type": "Notification",
        "MessageId": doc["MessageId"],
        "TopicArn": doc["TopicArn"],
        "Subject": doc.get("Subject"),
        "Message": text,
        "Timestamp": doc["Timestamp"],
        "SignatureVersion": "1",
        "Signature": doc["Signature"],
        "SigningCertUrl": doc["SigningCertURL"],
        "UnsubscribeUrl": doc["UnsubscribeURL"],
        "MessageAttributes": doc.get("MessageAttributes", {}),
    }
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": sub["SubscriptionArn"],
                "Sns": sns,
            }
        ]
    }


def confirmation(sub: dict[str, Any], message_id: str, now: str) -> dict[str, Any]:
    topic = sub["TopicArn"]
    query = urllib.parse.urlencode({"TopicArn": topic, "Token": sub["Token"]}, safe=":")
    doc = {
        "Type": "SubscriptionConfirmation",
        "MessageId": message_id,
        "Token": sub["Token"],
        "TopicArn": topic,
        "Message": f"You have chosen to subscribe to the topic {topic}.\n"
        "To confirm the subscription, visit the SubscribeURL included in this message.",
        "SubscribeURL": f"http://{sub.get('Host') or 'localhost'}/_strato/sns/confirm?{query}",
        "Timestamp": now,
        "SignatureVersion": "1",
    }
    doc["Signature"] = _sign(
        doc, ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    )
    doc["SigningCertURL"] = cert_url(topic.split(":")[3])
    return doc


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2)
