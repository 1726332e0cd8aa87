"""Side-by-side messaging benchmark: Strato vs moto's server vs ministack vs a stub floor.

    python3 benchmarks/run_messaging.py [--quick] [--peers strato,moto,ministack,stub]
                                        [--py-spy DIR]

SQS send latency, SQS receive+delete throughput, FIFO ordering under four
consumers, and the delivery latency of SNS -> SQS, EventBridge -> SQS and
S3 -> Lambda. Every peer runs on a free loopback port at the same time; each
workload is run against every peer in turn with the same boto3 client settings
(one attempt, no retries), so ratios in one run are comparable even when absolute
times on a shared machine are not. Never part of the test suite; see
benchmarks/README.md.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from peers import (
    PROFILE,
    NotSupported,
    Peer,
    comparison_table,
    fmt,
    goal,
    make_client,
    ok_result,
    profile,
    profiling,
    run_benchmark,
    show_latency,
    summary,
    timed,
)
from run_lambda import create_function

ACCOUNT = "000000000000"
BODY_1K = "m" * 1024
DELIVERY_TIMEOUT_S = 10.0
DRAIN_DEADLINE_S = 60.0  # moto takes minutes to drain 2,000 messages

# targets from the issue
SEND_OVER_STUB_MS = 1.0
RECV_DELETE_MINISTACK_RATIO = 1.5
S3_LAMBDA_P50_MS = 20.0

# The function reports the moment its handler starts over UDP: it needs no SDK and no
# endpoint, and works inside Strato's private mount namespaces (/tmp is the sandbox's own).
PY_REPORTER = """\
import os
import socket
import time

_SOCK = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
_ADDR = ("127.0.0.1", int(os.environ["BENCH_UDP_PORT"]))


def handler(event, context):
    started = time.time()
    for record in event.get("Records", []):
        key = record["s3"]["object"]["key"]
        _SOCK.sendto(f"{key} {started!r}".encode(), _ADDR)
    return {}
"""


def sqs_client(endpoint: str):
    return make_client(endpoint, "sqs", read_timeout=30)


def allow_all_policy(queue_arn: str) -> str:
    """A queue policy that lets SNS, EventBridge and S3 send (peers that check it need one)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                }
            ],
        }
    )


def create_queue(c, name: str, **attributes: str) -> tuple[str, str]:
    url = c.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = c.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


def target_queue(c, name: str) -> tuple[str, str]:
    """A queue other services may send to: its URL and ARN."""
    url, arn = create_queue(c, name)
    c.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow_all_policy(arn)})
    return url, arn


def send_batches(c, url: str, entries: list[dict]) -> None:
    for i in range(0, len(entries), 10):
        r = c.send_message_batch(QueueUrl=url, Entries=entries[i : i + 10])
        if r.get("Failed"):
            raise AssertionError(f"SendMessageBatch failed: {r['Failed'][:2]}")


# ----------------------------------------------------------------------- workloads


@dataclass
class Workload:
    key: str
    label: str
    kind: str  # "latency" (ms, lower is better) or "throughput" (messages/s)
    run: Callable  # (peer) -> dict
    fanout: bool = True  # needs a peer that delivers between services (not the stub)

    @property
    def metric(self) -> str:
        return "messages_per_s" if self.kind == "throughput" else "median_ms"

    @property
    def higher_is_better(self) -> bool:
        return self.kind == "throughput"


def sqs_send(iterations: int, warmup: int) -> Workload:
    def run(peer: Peer) -> dict:
        c = sqs_client(peer.endpoint)
        url, _ = create_queue(c, "bench-send")

        def send() -> None:
            c.send_message(QueueUrl=url, MessageBody=BODY_1K)

        out = timed(lambda i: send(), iterations, warmup)
        if profiling(peer):
            out["profile"] = profile(peer, "sqs_send", send)
        return out

    return Workload("sqs_send", "SQS SendMessage 1 KB: p50 (p90) ms", "latency", run, False)


def receive_and_delete(c, url: str) -> list[dict]:
    """One ReceiveMessage of up to 10 (long poll 1 s) and one DeleteMessageBatch of what came."""
    msgs = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
        "Messages", []
    )
    if msgs:
        r = c.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(j), "ReceiptHandle": m["ReceiptHandle"]} for j, m in enumerate(msgs)
            ],
        )
        if r.get("Failed"):
            raise AssertionError(f"DeleteMessageBatch failed: {r['Failed'][:2]}")
    return msgs


def profile_drain(peer: Peer, c) -> dict:
    """An untimed drain of a second queue under py-spy (its sampling would skew the timed one)."""
    n = PROFILE["iterations"] // 2  # two calls per receive + delete pair
    url, _ = create_queue(c, "bench-drain-profiled", VisibilityTimeout="120")
    send_batches(c, url, [{"Id": str(i), "MessageBody": BODY_1K} for i in range(n * 10)])
    return profile(peer, "sqs_recv_delete", lambda: receive_and_delete(c, url), n)


def sqs_receive_delete(prefill: int) -> Workload:
    """One consumer: ReceiveMessage(10) + DeleteMessageBatch until a pre-filled queue is empty."""

    def run(peer: Peer) -> dict:
        c = sqs_client(peer.endpoint)
        url, _ = create_queue(c, "bench-drain", VisibilityTimeout="120")
        send_batches(
            c,
            url,
            [{"Id": str(i), "MessageBody": f"{i:06d}" + BODY_1K[6:]} for i in range(prefill)],
        )
        seen: set[str] = set()
        duplicates = receives = empty = 0
        pair_ms = []
        t0 = time.perf_counter()
        deadline = t0 + DRAIN_DEADLINE_S
        while len(seen) < prefill and time.perf_counter() < deadline:
            t = time.perf_counter_ns()
            msgs = receive_and_delete(c, url)
            receives += 1
            if not msgs:
                empty += 1
                continue
            pair_ms.append((time.perf_counter_ns() - t) / 1e6)
            for m in msgs:
                key = m["Body"][:6]
                duplicates += key in seen
                seen.add(key)
        wall = time.perf_counter() - t0
        if not seen:
            raise AssertionError(f"received nothing in {wall:.0f} s")
        out = {}
        if len(seen) < prefill:  # a slow peer: its rate so far, said so in the note
            out["partial"] = f"drained {len(seen)} of {prefill} in {wall:.0f} s"
        out = {
            **out,
            "messages_per_s": len(seen) / wall,
            "wall_s": wall,
            "messages": len(seen),
            "receives": receives,
            "empty_receives": empty,
            "duplicates": duplicates,
            "receive_delete_pair": summary(pair_ms),
        }
        if profiling(peer):
            out["profile"] = profile_drain(peer, c)
        return out

    return Workload(
        "sqs_recv_delete",
        f"SQS receive(10) + DeleteMessageBatch, {prefill} pre-filled: messages/s",
        "throughput",
        run,
        False,
    )


def fifo_consumers(groups: int, per_group: int, consumers: int) -> Workload:
    """`consumers` threads, each with its own client, drain a FIFO queue of `groups` groups.

    Order check: every received message is noted, under one lock, when its
    ReceiveMessage returns; per group those must follow the send order. A correct
    server gives a group to the next consumer only after the previous batch's delete
    reached it, which is after that batch was noted, so a violation is the server's.
    Overlap check (conservative, JSON only): a group's batch is held from its
    ReceiveMessage's return until its DeleteMessageBatch is *sent*; another consumer
    receiving the group inside that window breaks SQS's one-consumer-per-group rule.
    The window is short, so most such breaks show up as order violations instead.
    """
    total = groups * per_group

    def run(peer: Peer) -> dict:
        c = sqs_client(peer.endpoint)
        url, _ = create_queue(c, "bench-order.fifo", FifoQueue="true", VisibilityTimeout="120")
        run_id = f"{time.time_ns()}"
        entries = []
        for s in range(per_group):
            for g in range(groups):
                entries.append(
                    {
                        "Id": f"{g}-{s}",
                        "MessageBody": json.dumps({"g": g, "s": s}),
                        "MessageGroupId": f"g{g}",
                        "MessageDeduplicationId": f"{run_id}-{g}-{s}",
                    }
                )
        send_batches(c, url, entries)

        lock = threading.Lock()
        last_seq = [-1] * groups  # highest sequence seen per group, in global receipt order
        holder: list[int | None] = [None] * groups  # consumer holding the group right now
        stats = {"received": 0, "deleted": 0, "order_violations": 0, "overlaps": 0}
        stats.update(duplicates=0, empty_receives=0, receives=0)
        seen: set[tuple[int, int]] = set()
        errors: list[str] = []
        done_at: list[float] = []
        start: list[float] = []
        barrier = threading.Barrier(consumers, action=lambda: start.append(time.perf_counter()))
        clients = [sqs_client(peer.endpoint) for _ in range(consumers)]

        def worker(me: int, cc) -> None:
            barrier.wait()
            deadline = time.perf_counter() + 120
            while time.perf_counter() < deadline:
                with lock:
                    if stats["deleted"] >= total:
                        return
                try:
                    msgs = cc.receive_message(
                        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1
                    ).get("Messages", [])
                except Exception as e:  # noqa: BLE001 - recorded, the run goes on
                    errors.append(f"{type(e).__name__}: {e}")
                    return
                held: set[int] = set()
                with lock:
                    stats["receives"] += 1
                    if not msgs:
                        stats["empty_receives"] += 1
                    for m in msgs:
                        doc = json.loads(m["Body"])
                        g, s = doc["g"], doc["s"]
                        stats["received"] += 1
                        if (g, s) in seen:
                            stats["duplicates"] += 1
                        seen.add((g, s))
                        if s <= last_seq[g]:
                            stats["order_violations"] += 1
                        last_seq[g] = max(last_seq[g], s)
                        if holder[g] is not None and holder[g] != me:
                            stats["overlaps"] += 1
                        holder[g] = me
                        held.add(g)
                if not msgs:
                    continue
                with lock:  # about to send the delete: the group is released from here on
                    for g in held:
                        if holder[g] == me:
                            holder[g] = None
                try:
                    r = cc.delete_message_batch(
                        QueueUrl=url,
                        Entries=[
                            {"Id": str(j), "ReceiptHandle": m["ReceiptHandle"]}
                            for j, m in enumerate(msgs)
                        ],
                    )
                except Exception as e:  # noqa: BLE001
                    errors.append(f"{type(e).__name__}: {e}")
                    return
                if r.get("Failed"):
                    errors.append(f"DeleteMessageBatch failed: {r['Failed'][:2]}")
                with lock:
                    stats["deleted"] += len(r.get("Successful", []))
                    if stats["deleted"] >= total and not done_at:
                        done_at.append(time.perf_counter())

        threads = [threading.Thread(target=worker, args=(i, cl)) for i, cl in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if not done_at:
            raise AssertionError(
                f"deleted {stats['deleted']} of {total} messages"
                + (f"; first error {errors[0][:200]}" if errors else "")
            )
        wall = done_at[0] - start[0]
        out = {
            "messages_per_s": total / wall,
            "wall_s": wall,
            "messages": total,
            "groups": groups,
            "consumers": consumers,
            "missing": total - len(seen),
            **stats,
        }
        if errors:
            out["first_error"] = errors[0][:300]
        return out

    return Workload(
        "fifo_4",
        f"FIFO, {groups} groups x {per_group}, {consumers} consumers: messages/s; out of order",
        "throughput",
        run,
        False,
    )


class Consumer(threading.Thread):
    """Long-polls one queue and notes when each message (by the id `extract` finds) arrived."""

    def __init__(self, endpoint: str, url: str, extract: Callable[[str], int | None]) -> None:
        super().__init__(daemon=True)
        self.client = sqs_client(endpoint)
        self.url, self.extract = url, extract
        self.arrived: dict[int, tuple[float, str]] = {}
        self.events: dict[int, threading.Event] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.error: str | None = None

    def expect(self, i: int) -> threading.Event:
        with self.lock:
            ev = self.events[i] = threading.Event()
            if i in self.arrived:
                ev.set()
        return ev

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                msgs = self.client.receive_message(
                    QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=2
                ).get("Messages", [])
            except Exception as e:  # noqa: BLE001 - reported by whoever waits
                self.error = f"{type(e).__name__}: {e}"
                return
            t = time.perf_counter()
            with self.lock:
                for m in msgs:
                    i = self.extract(m["Body"])
                    if i is None:
                        continue
                    self.arrived[i] = (t, m["ReceiptHandle"])
                    if i in self.events:
                        self.events[i].set()


def delivery_latency(
    peer: Peer,
    c,
    url: str,
    publish: Callable[[int], None],
    extract: Callable[[str], int | None],
    iterations: int,
    warmup: int,
) -> dict:
    """From just before `publish(i)` to the return of a ReceiveMessage already waiting for it."""
    consumer = Consumer(peer.endpoint, url, extract)
    consumer.start()
    time.sleep(0.1)  # its first long poll is in place
    samples, publish_ms = [], []
    try:
        for i in range(warmup + iterations):
            ev = consumer.expect(i)
            t0 = time.perf_counter()
            publish(i)
            t1 = time.perf_counter()
            if not ev.wait(DELIVERY_TIMEOUT_S):
                why = f"; consumer: {consumer.error}" if consumer.error else ""
                raise AssertionError(
                    f"message {i} not delivered in {DELIVERY_TIMEOUT_S:.0f} s{why}"
                )
            arrived, handle = consumer.arrived[i]
            if i >= warmup:
                samples.append((arrived - t0) * 1000)
                publish_ms.append((t1 - t0) * 1000)
            c.delete_message(QueueUrl=url, ReceiptHandle=handle)
            time.sleep(0.01)  # the consumer's next long poll is in place before the next publish
    finally:
        consumer.stop.set()
    return {
        **summary(samples),
        "publish_call": summary(publish_ms),
        "iterations": iterations,
        "warmup": warmup,
    }


def sns_to_sqs(iterations: int, warmup: int) -> Workload:
    def run(peer: Peer) -> dict:
        c = sqs_client(peer.endpoint)
        sns = make_client(peer.endpoint, "sns")
        url, arn = target_queue(c, "bench-sns-target")
        topic = sns.create_topic(Name="bench-topic")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)

        def extract(body: str) -> int | None:
            text = json.loads(body).get("Message", "")  # the SNS envelope
            return int(text[6:]) if text.startswith("bench-") else None

        def publish(i: int) -> None:
            sns.publish(TopicArn=topic, Message=f"bench-{i}")

        return delivery_latency(peer, c, url, publish, extract, iterations, warmup)

    return Workload("sns_sqs", "SNS Publish -> SQS long poll returns: p50 (p90) ms", "latency", run)


def events_to_sqs(iterations: int, warmup: int) -> Workload:
    def run(peer: Peer) -> dict:
        c = sqs_client(peer.endpoint)
        events = make_client(peer.endpoint, "events")
        url, arn = target_queue(c, "bench-events-target")
        events.put_rule(Name="bench-rule", EventPattern=json.dumps({"source": ["bench.messaging"]}))
        events.put_targets(Rule="bench-rule", Targets=[{"Id": "q", "Arn": arn}])

        def extract(body: str) -> int | None:
            detail = json.loads(body).get("detail") or {}
            return detail.get("i")

        def publish(i: int) -> None:
            r = events.put_events(
                Entries=[
                    {
                        "Source": "bench.messaging",
                        "DetailType": "bench",
                        "Detail": json.dumps({"i": i}),
                    }
                ]
            )
            if r.get("FailedEntryCount"):
                raise AssertionError(f"PutEvents failed: {r['Entries']}")

        return delivery_latency(peer, c, url, publish, extract, iterations, warmup)

    return Workload(
        "events_sqs", "EventBridge PutEvents -> SQS long poll returns: p50 (p90) ms", "latency", run
    )


def docker_daemon() -> bool:
    try:
        r = subprocess.run(["docker", "info"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def s3_to_lambda(iterations: int, warmup: int) -> Workload:
    """PutObject to a bucket whose ObjectCreated notification starts a Python function;
    the latency is from just before PutObject to the handler's first line (time.time())."""

    def run(peer: Peer) -> dict:
        if peer.name == "moto" and not docker_daemon():
            raise NotSupported("moto runs Lambda functions only in Docker; no Docker daemon here")
        s3 = make_client(peer.endpoint, "s3")
        lam = make_client(peer.endpoint, "lambda", read_timeout=120)
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        udp.settimeout(DELIVERY_TIMEOUT_S)
        try:
            create_function(
                lam,
                "bench-s3-reporter",
                "python3.12",
                "handler.py",
                PY_REPORTER,
                "handler.handler",
                env={"BENCH_UDP_PORT": str(udp.getsockname()[1])},
            )
            fn = lam.get_function(FunctionName="bench-s3-reporter")["Configuration"]["FunctionArn"]
            lam.add_permission(
                FunctionName="bench-s3-reporter",
                StatementId="s3",
                Action="lambda:InvokeFunction",
                Principal="s3.amazonaws.com",
                SourceArn="arn:aws:s3:::bench-s3-lambda",
            )
            s3.create_bucket(Bucket="bench-s3-lambda")
            s3.put_bucket_notification_configuration(
                Bucket="bench-s3-lambda",
                NotificationConfiguration={
                    "LambdaFunctionConfigurations": [
                        {"LambdaFunctionArn": fn, "Events": ["s3:ObjectCreated:*"]}
                    ]
                },
            )
            samples, put_ms, cold = [], [], None
            for i in range(warmup + iterations):
                key = f"obj-{i:05d}"
                t0 = time.time()
                s3.put_object(Bucket="bench-s3-lambda", Key=key, Body=b"x" * 1024)
                t1 = time.time()
                while True:
                    try:
                        data = udp.recv(512).decode()
                    except TimeoutError:
                        raise AssertionError(
                            f"function not started for {key} within {DELIVERY_TIMEOUT_S:.0f} s"
                        ) from None
                    got, started = data.split(" ")
                    if got == key:
                        break
                latency = (float(started) - t0) * 1000
                if i == 0:
                    cold = latency
                if i >= warmup:
                    samples.append(latency)
                    put_ms.append((t1 - t0) * 1000)
                time.sleep(0.05)  # the environment is free again before the next object
        finally:
            udp.close()
        return {
            **summary(samples),
            "first_ms": cold,
            "put_call": summary(put_ms),
            "iterations": iterations,
            "warmup": warmup,
        }

    return Workload(
        "s3_lambda", "S3 PutObject -> Lambda handler starts: p50 (p90) ms", "latency", run
    )


def workloads(quick: bool) -> list[Workload]:
    it, wu = (30, 5) if quick else (300, 30)
    lat, lat_w = (20, 3) if quick else (100, 10)
    return [
        sqs_send(it, wu),
        sqs_receive_delete(300 if quick else 2000),
        fifo_consumers(8, 25 if quick else 100, 4),
        sns_to_sqs(lat, lat_w),
        events_to_sqs(lat, lat_w),
        s3_to_lambda(lat, lat_w),
    ]


# -------------------------------------------------------------------------- report


def _cell(peer: Peer, w: Workload) -> str:
    r = ok_result(peer, w.key)
    if r is None:
        return "n/a"
    if w.kind == "latency":
        return f"{r['median_ms']:.2f} ({r['p90_ms']:.2f})"
    cell = f"{r['messages_per_s']:.0f}/s"
    if "order_violations" in r:
        cell += f"; {r['order_violations']} out of order"
    return cell


def _note(peers: list[Peer], w: Workload) -> list[str]:
    notes = []
    for p in peers:
        r = ok_result(p, w.key)
        if r is None:
            continue
        if r.get("duplicates") or r.get("missing"):
            notes.append(f"{p.name}: {r.get('duplicates', 0)} dup, {r.get('missing', 0)} lost")
        if r.get("partial"):
            notes.append(f"{p.name}: {r['partial']}")
        if r.get("first_error"):
            notes.append(f"{p.name}: {r['first_error'][:160]}")
        if r.get("first_ms") is not None:
            notes.append(f"{p.name} first (cold) {r['first_ms']:.0f} ms")
    return notes


def _show(w: Workload, r: dict) -> str:
    if w.kind == "latency":
        return show_latency(r)
    extra = ""
    if "order_violations" in r:
        extra = (
            f"  order violations {r['order_violations']}  overlaps "
            f"{r['overlaps']}  lost {r['missing']}  dup {r['duplicates']}"
        )
    return (
        f"{r['messages_per_s']:8.0f} msg/s  wall {r['wall_s']:6.2f} s  "
        f"empty receives {r['empty_receives']}" + extra
    )


def targets(peers: list[Peer], wls: list[Workload]) -> list[str]:
    by = {p.name: p for p in peers}
    strato, stub, mini = by.get("strato"), by.get("stub"), by.get("ministack")
    out: list[str] = []

    def line(ok: bool | None, text: str) -> None:
        out.append(goal(ok, text))

    def med(p: Peer | None, key: str, field: str = "median_ms") -> float | None:
        r = ok_result(p, key)
        return None if r is None else r[field]

    s, f = med(strato, "sqs_send"), med(stub, "sqs_send")
    d = None if s is None or f is None else s - f
    line(
        None if d is None else d <= SEND_OVER_STUB_MS,
        f"sqs_send: strato - stub {fmt(d)} ms (<= {SEND_OVER_STUB_MS})",
    )
    s = med(strato, "sqs_recv_delete", "messages_per_s")
    m = med(mini, "sqs_recv_delete", "messages_per_s")
    ratio = None if s is None or m is None else s / m
    line(
        None if ratio is None else ratio >= RECV_DELETE_MINISTACK_RATIO,
        f"sqs_recv_delete: strato/ministack {fmt(ratio)}{'x' if ratio else ''} messages/s "
        f"(>= {RECV_DELETE_MINISTACK_RATIO}x)",
    )
    r = ok_result(strato, "fifo_4")
    bad = (
        None
        if r is None
        else r["order_violations"] + r["overlaps"] + r["missing"] + r["duplicates"]
    )
    line(
        None if r is None else bad == 0,
        f"fifo_4: strato order violations + overlaps + lost + duplicates = {bad} (0)",
    )
    s = med(strato, "s3_lambda")
    line(
        None if s is None else s < S3_LAMBDA_P50_MS,
        f"s3_lambda: strato p50 {fmt(s)} ms (< {S3_LAMBDA_P50_MS:.0f})",
    )
    return out


# ---------------------------------------------------------------------------- main


def run(peer: Peer, w: Workload, _: object) -> dict:
    if peer.name == "stub" and w.fanout:
        raise NotSupported("the stub delivers nothing between services")
    return w.run(peer)


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(
        __doc__,
        argv,
        "messaging",
        workloads,
        run,
        show=_show,
        render=partial(comparison_table, cell=_cell, note=_note),
        targets=targets,
        py_spy="after the timed SendMessage loop and the timed drain, run each again under "
        "py-spy on Strato's server process and write the raw profiles and hotspots to DIR",
    )


if __name__ == "__main__":
    sys.exit(main())
