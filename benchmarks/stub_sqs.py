"""The stub floor's SQS (stub_server.py serves it): the client's own floor for the messaging runner.

SQS (POST with `X-Amz-Target: AmazonSQS.<Operation>`, the JSON protocol current
botocore speaks): CreateQueue, GetQueueUrl, GetQueueAttributes and
SetQueueAttributes answer; SendMessage and SendMessageBatch keep the bodies (with
the MD5 a real server returns); ReceiveMessage hands out up to MaxNumberOfMessages
of them and DeleteMessage(Batch) forgets them. A `.fifo` queue hands out messages
in order and keeps a message group to one consumer until its in-flight messages
are deleted, the way SQS does, so the FIFO workload has something to check.
No visibility timeouts (a received message is in flight until deleted), no long
polling (an empty queue answers at once), no validation, no auth.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import deque
from dataclasses import dataclass, field

TARGET = b"AmazonSQS."
_SQS_JSON = [(b"content-type", b"application/x-amz-json-1.0")]
_ACCOUNT = "000000000000"
_ids = itertools.count(1)


@dataclass
class _Queue:
    name: str
    ready: deque = field(default_factory=deque)  # (id, body, md5, group)
    inflight: dict = field(default_factory=dict)  # receipt handle -> (id, group)
    locked: dict = field(default_factory=dict)  # FIFO group -> messages in flight

    @property
    def fifo(self) -> bool:
        return self.name.endswith(".fifo")


_queues: dict[str, _Queue] = {}


def _queue(url: str) -> _Queue:
    name = url.rstrip("/").rsplit("/", 1)[-1]
    return _queues.setdefault(name, _Queue(name))


def _send(q: _Queue, entry: dict) -> dict:
    body = entry["MessageBody"]
    mid = f"stub-{next(_ids)}"
    md5 = hashlib.md5(body.encode()).hexdigest()
    q.ready.append((mid, body, md5, entry.get("MessageGroupId")))
    out = {"MessageId": mid, "MD5OfMessageBody": md5}
    if q.fifo:
        out["SequenceNumber"] = mid.split("-")[1].rjust(20, "0")
    return out


def _receive(q: _Queue, count: int) -> list[dict]:
    out: list[dict] = []
    if not q.fifo:
        while q.ready and len(out) < count:
            mid, body, md5, group = q.ready.popleft()
            out.append((mid, body, md5, group))
    else:
        # first unlocked group in queue order, then only that group's messages (as SQS does)
        group = next((m[3] for m in q.ready if m[3] not in q.locked), None)
        if group is not None:
            keep = deque()
            while q.ready:
                m = q.ready.popleft()
                (out if m[3] == group and len(out) < count else keep).append(m)
            q.ready = keep
            q.locked[group] = len(out)
    messages = []
    for mid, body, md5, group in out:
        handle = f"rh-{mid}-{next(_ids)}"
        q.inflight[handle] = (mid, group)
        m = {"MessageId": mid, "ReceiptHandle": handle, "MD5OfBody": md5, "Body": body}
        if group is not None:
            m["Attributes"] = {"MessageGroupId": group}
        messages.append(m)
    return messages


def _delete(q: _Queue, handle: str) -> None:
    _mid, group = q.inflight.pop(handle, (None, None))
    if group is not None and group in q.locked:
        q.locked[group] -= 1
        if q.locked[group] <= 0:
            del q.locked[group]


def handle(op: str, body: bytes):
    req = json.loads(body or b"{}")
    out: dict = {}
    if op in ("CreateQueue", "GetQueueUrl"):
        name = req["QueueName"]
        _queues.setdefault(name, _Queue(name))
        out = {"QueueUrl": f"http://127.0.0.1/{_ACCOUNT}/{name}"}
    elif op == "GetQueueAttributes":
        q = _queue(req["QueueUrl"])
        out = {
            "Attributes": {
                "QueueArn": f"arn:aws:sqs:us-east-1:{_ACCOUNT}:{q.name}",
                "ApproximateNumberOfMessages": str(len(q.ready)),
                "ApproximateNumberOfMessagesNotVisible": str(len(q.inflight)),
            }
        }
    elif op == "SendMessage":
        out = _send(_queue(req["QueueUrl"]), req)
    elif op == "SendMessageBatch":
        q = _queue(req["QueueUrl"])
        out = {"Successful": [{"Id": e["Id"], **_send(q, e)} for e in req["Entries"]]}
    elif op == "ReceiveMessage":
        messages = _receive(_queue(req["QueueUrl"]), req.get("MaxNumberOfMessages") or 1)
        out = {"Messages": messages} if messages else {}
    elif op == "DeleteMessage":
        _delete(_queue(req["QueueUrl"]), req["ReceiptHandle"])
    elif op == "DeleteMessageBatch":
        q = _queue(req["QueueUrl"])
        for e in req["Entries"]:
            _delete(q, e["ReceiptHandle"])
        out = {"Successful": [{"Id": e["Id"]} for e in req["Entries"]]}
    elif op == "PurgeQueue":
        q = _queue(req["QueueUrl"])
        q.ready.clear()
    return 200, _SQS_JSON, json.dumps(out).encode()
