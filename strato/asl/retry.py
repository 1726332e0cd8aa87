"""Retry and Catch: which error a rule matches, and how long to back off."""

from __future__ import annotations

import random
from typing import Any

from strato.asl.errors import ALL, NOT_RETRIED_BY_ALL, TASK_FAILED, TIMEOUT

DEFAULT_INTERVAL = 1
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF = 2.0


def matches(error_equals: list[str], error: str | None) -> bool:
    """AWS: names match exactly; States.ALL matches anything but the terminal errors
    (States.Runtime, States.DataLimitExceeded); States.TaskFailed matches the same set
    less States.Timeout."""
    for name in error_equals:
        if name == error:
            return True
        if error is None:
            continue
        if name == ALL and error not in NOT_RETRIED_BY_ALL:
            return True
        if name == TASK_FAILED and error != TIMEOUT and error not in NOT_RETRIED_BY_ALL:
            return True
    return False


def find_retrier(retriers: list[dict], error: str) -> int | None:
    for i, r in enumerate(retriers):
        if matches(r.get("ErrorEquals", []), error):
            return i
    return None


def delay(retrier: dict, attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number `attempt` (0-based)."""
    interval = retrier.get("IntervalSeconds", DEFAULT_INTERVAL)
    backoff = retrier.get("BackoffRate", DEFAULT_BACKOFF)
    seconds = interval * backoff**attempt
    cap = retrier.get("MaxDelaySeconds")
    if cap is not None:
        seconds = min(seconds, cap)
    if retrier.get("JitterStrategy") == "FULL":
        seconds = (rng or random).uniform(0, seconds)
    return seconds


def max_attempts(retrier: dict) -> int:
    return retrier.get("MaxAttempts", DEFAULT_MAX_ATTEMPTS)


def find_catcher(catchers: list[dict], error: str) -> dict | None:
    for c in catchers:
        if matches(c.get("ErrorEquals", []), error):
            return c
    return None


def error_output(error: str, cause: Any) -> dict:
    out = {"Error": error}
    if cause is not None:
        out["Cause"] = cause
    return out
