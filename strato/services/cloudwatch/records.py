"""Where CloudWatch keeps its state in the store, and how metric identities become keys.

`cloudwatch:metrics`  (account, region, namespace, metric, dimensions) -> the metric and
                      when data was last put (ListMetrics, RecentlyActive)
`cloudwatch:samples`  (account, region, namespace, metric, dimensions, time, seq) -> the
                      values, or statistic set, of one datum; range-scanned by time
`cloudwatch:alarms`   (account, region, alarm name) -> MetricAlarm
`cloudwatch:history`  (account, region, alarm name, time, seq) -> AlarmHistoryItem
`cloudwatch:tags`     (resource ARN,) -> {key: value}
"""

from __future__ import annotations

import base64
import itertools
import json
import os

from ...store import keys

METRICS = "cloudwatch:metrics"
SAMPLES = "cloudwatch:samples"
ALARMS = "cloudwatch:alarms"
HISTORY = "cloudwatch:history"
TAGS = "cloudwatch:tags"

_TIME_DIGITS = 15  # milliseconds since the epoch, zero-padded so text order is time order
_seq_prefix = os.urandom(3).hex()
_seq = itertools.count()


def dimensions_key(dimensions: dict[str, str]) -> str:
    """One text part for a dimension set: the same set in any order gives the same metric."""
    return json.dumps(sorted(dimensions.items()), ensure_ascii=False, separators=(",", ":"))


def dimensions_from_key(text: str) -> dict[str, str]:
    return dict(json.loads(text))


def time_part(ms: int) -> str:
    return f"{max(ms, 0):0{_TIME_DIGITS}d}"


def next_seq() -> str:
    """Tells apart data put at the same millisecond, in the order it was put."""
    return f"{_seq_prefix}{next(_seq):012d}"


def encode_token(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


def decode_token(token: str) -> bytes:
    return base64.urlsafe_b64decode(token.encode())


def metric_prefix(account: str, region: str, *parts: str) -> tuple[bytes, bytes]:
    return keys.prefix_range(account, region, *parts)
