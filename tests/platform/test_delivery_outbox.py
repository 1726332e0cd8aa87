"""The delivery outbox: retries on the shared clock, dead letters, and nothing lost to a SIGKILL.

Each test runs its own server, because they kill it or move its clock.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.config import Config
from resource_policies import sns_may_send

from strato_server import StratoProcess


def _client(server: StratoProcess, service: str):
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )


class Endpoint:
    """An HTTP endpoint that answers `status` (changeable) and records what it was sent."""

    def __init__(self) -> None:
        self.status = 200
        self.received: queue.Queue = queue.Queue()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                kind = self.headers.get("x-amz-sns-message-type")
                outer.received.put((kind, outer.status, body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def next(self, timeout: float = 10.0) -> tuple[str, int, str]:
        return self.received.get(timeout=timeout)

    def next_after_advancing(self, server: StratoProcess, seconds: float) -> tuple[str, int, str]:
        """Move the clock until the next attempt arrives (the last failure may still be
        being recorded when the test sees its request, so one advance can come too early)."""
        for _ in range(5):
            server.advance_clock(seconds)
            try:
                return self.received.get(timeout=1.0)
            except queue.Empty:
                continue
        raise AssertionError(f"no delivery attempt after advancing the clock 5 x {seconds} s")

    def nothing_for(self, seconds: float) -> bool:
        try:
            self.received.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(tmp_path) -> Iterator[StratoProcess]:
    proc = StratoProcess(str(tmp_path / "state")).start()
    try:
        yield proc
    except Exception:
        print(proc.log())
        raise
    finally:
        proc.stop()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    ep = Endpoint()
    yield ep
    ep.close()


def _confirmed_http_subscription(sns, endpoint: Endpoint, topic: str, **attributes) -> str:
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url, Attributes=attributes)
    kind, _, body = endpoint.next()
    assert kind == "SubscriptionConfirmation"
    token = json.loads(body)["Token"]
    return sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]


def _queue(sqs, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


def _drain(sqs, url: str, want: int, deadline_s: float = 10.0) -> list[dict]:
    got: list[dict] = []
    deadline = time.monotonic() + deadline_s
    while len(got) < want and time.monotonic() < deadline:
        out = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"]
        )
        for m in out.get("Messages", []):
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def test_http_delivery_is_retried_on_the_shared_clock(server, endpoint):
    sns = _client(server, "sns")
    topic = sns.create_topic(Name="retried")["TopicArn"]
    _confirmed_http_subscription(sns, endpoint, topic)
    endpoint.status = 500
    sns.publish(TopicArn=topic, Message="try again")
    assert endpoint.next()[:2] == ("Notification", 500)
    # The default policy waits 20 s between tries: nothing happens until the clock moves.
    assert endpoint.nothing_for(0.5)
    assert endpoint.next_after_advancing(server, 21)[:2] == ("Notification", 500)
    endpoint.status = 200
    kind, status, body = endpoint.next_after_advancing(server, 21)
    assert (kind, status, json.loads(body)["Message"]) == ("Notification", 200, "try again")
    server.advance_clock(60)
    assert endpoint.nothing_for(0.5)  # delivered once it succeeded; no further attempts


def test_http_delivery_dead_letters_after_its_delivery_policy(server, endpoint):
    sns, sqs = _client(server, "sns"), _client(server, "sqs")
    topic = sns.create_topic(Name="hopeless")["TopicArn"]
    dlq_url, dlq_arn = _queue(sqs, "hopeless-dlq")
    sqs.set_queue_attributes(
        QueueUrl=dlq_url,
        Attributes={"Policy": sns_may_send(topic, dlq_arn)},
    )
    policy = {"healthyRetryPolicy": {"numRetries": 2, "minDelayTarget": 5, "maxDelayTarget": 5}}
    sub = _confirmed_http_subscription(
        sns,
        endpoint,
        topic,
        RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}),
        DeliveryPolicy=json.dumps(policy),
    )
    endpoint.status = 503
    sns.publish(TopicArn=topic, Message="never arrives")
    statuses = [endpoint.next()[1]]
    for _ in range(2):
        statuses.append(endpoint.next_after_advancing(server, 6)[1])
    assert statuses == [503, 503, 503]  # the first try and numRetries=2 more
    [dead] = _drain(sqs, dlq_url, 1)
    note = json.loads(dead["Body"])
    assert note["Message"] == "never arrives" and note["TopicArn"] == topic
    assert dead["MessageAttributes"]["ErrorCode"]["StringValue"] == "EndpointError"
    server.advance_clock(60)
    assert endpoint.nothing_for(0.5)
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["Protocol"] == "http"


def test_pending_deliveries_survive_a_sigkill(server, endpoint):
    """Deliveries that could not complete before the kill complete after the restart."""
    sns, events = _client(server, "sns"), _client(server, "events")
    topic = sns.create_topic(Name="outage")["TopicArn"]
    _confirmed_http_subscription(sns, endpoint, topic)
    later_arn = "arn:aws:sqs:us-east-1:000000000000:created-after-restart"
    events.put_rule(Name="to-later", EventPattern=json.dumps({"source": ["outage.test"]}))
    events.put_targets(Rule="to-later", Targets=[{"Id": "q", "Arn": later_arn}])

    endpoint.status = 500  # the endpoint is down; the queue does not exist yet
    published = {sns.publish(TopicArn=topic, Message=f"m{i}")["MessageId"] for i in range(20)}
    entries = [
        {"Source": "outage.test", "DetailType": "t", "Detail": json.dumps({"n": i})}
        for i in range(10)
    ]
    event_ids = {e["EventId"] for e in events.put_events(Entries=entries)["Entries"]}
    assert len(published) == 20 and len(event_ids) == 10
    server.kill()
    endpoint.status = 200
    server.start()

    sqs = _client(server, "sqs")
    url, arn = _queue(sqs, "created-after-restart")
    assert arn == later_arn
    server.advance_clock(600)  # past every backoff
    delivered: set[str] = set()
    deadline = time.monotonic() + 15
    while not published <= delivered and time.monotonic() < deadline:
        try:
            kind, status, body = endpoint.next(timeout=1)
        except queue.Empty:
            server.advance_clock(60)
            continue
        if kind == "Notification" and status == 200:
            delivered.add(json.loads(body)["MessageId"])
    assert published <= delivered
    arrived = {json.loads(m["Body"])["id"] for m in _drain(sqs, url, len(event_ids))}
    assert arrived == event_ids


def test_the_clock_never_goes_back_across_a_restart(server):
    """Deadlines are stored on the advanced clock; a restart must not move it back."""
    before = server.advance_clock(3600)
    assert before >= time.time() + 3590
    server.kill()
    server.start()
    assert server.advance_clock(0) >= before
