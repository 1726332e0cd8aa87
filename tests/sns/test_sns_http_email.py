"""HTTP endpoints (the SubscriptionConfirmation handshake, then notifications) and the email outbox."""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import unique


@pytest.fixture
def http_endpoint():
    received: queue.Queue = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.put(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def test_http_confirmation_then_notifications(sns, http_endpoint):
    url, received = http_endpoint
    topic = sns.create_topic(Name=unique())["TopicArn"]
    assert (
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=url)["SubscriptionArn"]
        == "pending confirmation"
    )
    headers, body = received.get(timeout=10)
    doc = json.loads(body)
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert doc["Type"] == "SubscriptionConfirmation"
    assert doc["TopicArn"] == topic and doc["Token"] in doc["SubscribeURL"]
    sns.publish(TopicArn=topic, Message="before confirmation")  # not delivered: pending
    sub = sns.confirm_subscription(TopicArn=topic, Token=doc["Token"])["SubscriptionArn"]
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["PendingConfirmation"] == "false"
    sns.publish(TopicArn=topic, Message="after", Subject="s")
    headers, body = received.get(timeout=10)
    note = json.loads(body)
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-subscription-arn"] == sub
    assert headers["x-amz-sns-topic-arn"] == topic
    assert note["Message"] == "after" and note["Subject"] == "s"
    assert note["Signature"] and note["SigningCertURL"]
    assert received.empty()


def _outbox(endpoint: str) -> list[dict]:
    with urllib.request.urlopen(f"{endpoint}/_strato/outbox") as resp:
        return json.loads(resp.read())


def _wait_for(fn, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = fn()
        if found:
            return found
        time.sleep(0.05)
    return fn()


def test_email_outbox(sns, endpoint):
    topic = sns.create_topic(Name=unique())["TopicArn"]
    address = f"{unique('user')}@example.com"
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=address)
    [confirm] = _wait_for(lambda: [m for m in _outbox(endpoint) if m["To"] == address])
    assert f"/_strato/sns/confirm?TopicArn={topic}&Token={confirm['Token']}" in confirm["Body"]
    sns.confirm_subscription(TopicArn=topic, Token=confirm["Token"])
    sns.publish(TopicArn=topic, Message="dear user", Subject="hello")
    mails = _wait_for(
        lambda: [m for m in _outbox(endpoint) if m["To"] == address and "Token" not in m]
    )
    assert [(m["Subject"], m["Body"]) for m in mails] == [("hello", "dear user")]


def test_email_json_outbox(sns, endpoint):
    topic = sns.create_topic(Name=unique())["TopicArn"]
    address = f"{unique('user')}@example.com"
    sub = sns.subscribe(
        TopicArn=topic, Protocol="email-json", Endpoint=address, ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    [confirm] = _wait_for(lambda: [m for m in _outbox(endpoint) if m["To"] == address])
    assert json.loads(confirm["Body"])["Type"] == "SubscriptionConfirmation"
    sns.confirm_subscription(TopicArn=topic, Token=confirm["Token"])
    sns.publish(TopicArn=topic, Message="as json")
    mails = _wait_for(
        lambda: [m for m in _outbox(endpoint) if m["To"] == address and "Token" not in m]
    )
    doc = json.loads(mails[0]["Body"])
    assert doc["Type"] == "Notification" and doc["Message"] == "as json"
    assert mails[0]["SubscriptionArn"] == sub


def test_subscribe_url_and_unsubscribe_url_are_plain_gets(sns, http_endpoint):
    url, received = http_endpoint
    topic = sns.create_topic(Name=unique())["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=url)
    _, body = received.get(timeout=10)
    with urllib.request.urlopen(json.loads(body)["SubscribeURL"]) as resp:
        assert resp.status == 200
        assert topic in resp.read().decode()
    [sub] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert sub["SubscriptionArn"].startswith(topic + ":")
    sns.publish(TopicArn=topic, Message="one")
    _, body = received.get(timeout=10)
    note = json.loads(body)
    assert note["Message"] == "one"
    with urllib.request.urlopen(note["UnsubscribeURL"]) as resp:
        assert resp.status == 200
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_raw_http_delivery_and_failing_endpoint(sns, sqs, http_endpoint):
    url, received = http_endpoint
    topic = sns.create_topic(Name=unique())["TopicArn"]
    sub = sns.subscribe(
        TopicArn=topic,
        Protocol="http",
        Endpoint=url,
        Attributes={"RawMessageDelivery": "true"},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    _, body = received.get(timeout=10)
    sns.confirm_subscription(TopicArn=topic, Token=json.loads(body)["Token"])
    sns.publish(TopicArn=topic, Message="just the text")
    headers, body = received.get(timeout=10)
    assert body == "just the text"
    assert headers["x-amz-sns-rawdelivery"] == "true"
    assert headers["x-amz-sns-subscription-arn"] == sub
