"""Shard iterators: opaque, signed, self-contained positions that expire after 15 minutes.

An iterator carries its stream, shard, position and issue time, signed with a secret
kept in the store, so it needs no state of its own and survives a restart. Shaped like
AWS's (`<stream arn>|1|<opaque>`). A position is "after sequence n" or the symbolic
trim horizon, which moves as retention trims the shard.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from ...store import Store
from .errors import expired_iterator, invalid_iterator
from .records import ITERATOR_SECRET_KEY, ITERATOR_TTL_MS, META


@dataclass(frozen=True)
class ShardPosition:
    stream_arn: str
    shard_id: str
    after: int | None  # None: the trim horizon
    issued_ms: int


def secret(store: Store) -> bytes:
    key = store.get(META, ITERATOR_SECRET_KEY)
    if key is None:
        with store.transaction():
            key = store.get(META, ITERATOR_SECRET_KEY)
            if key is None:
                key = secrets.token_hex(32)
                store.put(META, ITERATOR_SECRET_KEY, key)
    return bytes.fromhex(key)


def encode(key: bytes, position: ShardPosition) -> str:
    payload = json.dumps(
        [position.shard_id, position.after, position.issued_ms], separators=(",", ":")
    ).encode()
    signed = position.stream_arn.encode() + b"|" + payload
    mac = hmac.new(key, signed, hashlib.sha256).digest()[:16]
    return f"{position.stream_arn}|1|{base64.b64encode(mac + payload).decode()}"


def decode(key: bytes, token: str, now_ms: int) -> ShardPosition:
    """The position an iterator names; ValidationException if Strato did not issue it,
    ExpiredIteratorException once it is 15 minutes old."""
    try:
        arn, version, opaque = token.rsplit("|", 2)
        raw = base64.b64decode(opaque, validate=True)
        mac, payload = raw[:16], raw[16:]
        if version != "1" or not hmac.compare_digest(
            mac, hmac.new(key, arn.encode() + b"|" + payload, hashlib.sha256).digest()[:16]
        ):
            raise invalid_iterator()
        shard_id, after, issued_ms = json.loads(payload)
    except (ValueError, binascii.Error) as e:
        raise invalid_iterator() from e
    if now_ms - issued_ms > ITERATOR_TTL_MS:
        raise expired_iterator(issued_ms, now_ms)
    return ShardPosition(arn, shard_id, after, issued_ms)
