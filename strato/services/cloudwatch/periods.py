"""How CloudWatch cuts a time range into periods: a rounded start, then fixed-size buckets."""

from __future__ import annotations

DAY = 86400.0
VALID_SUB_MINUTE = (1, 5, 10, 20, 30)


def is_valid_period(period: int) -> bool:
    return period in VALID_SUB_MINUTE or (period >= 60 and period % 60 == 0)


def rounded_start(start: float, period: int, now: float) -> float:
    """StartTime rounded down as AWS does: by minute for recent data, then 5 minutes, then hours."""
    age = now - start
    if age <= 15 * DAY:
        unit = 60 if period >= 60 else period
    elif age <= 63 * DAY:
        unit = 300
    else:
        unit = 3600
    return start - (start % unit)


def bucket_count(start: float, end: float, period: int) -> int:
    return max(0, -(-int(end - start) // period)) if end > start else 0


def bucket_of(ts: float, start: float, period: int) -> float:
    """The start of the period that holds `ts`."""
    return start + ((ts - start) // period) * period
