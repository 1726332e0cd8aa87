"""Timestamp parsing and formatting in the three wire formats AWS uses."""

from __future__ import annotations

import datetime as dt
import time
from email.utils import format_datetime, parsedate_to_datetime

UTC = dt.UTC


def to_datetime(value: dt.datetime | float | int | str) -> dt.datetime:
    """Any timestamp a provider or a client gives, as an aware UTC datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, UTC)
    text = value.strip()
    try:
        return dt.datetime.fromtimestamp(float(text), UTC)
    except ValueError:
        pass
    if "," in text or text[:3].isalpha():
        return parsedate_to_datetime(text).astimezone(UTC)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_timestamp(value: dt.datetime | float | int | str, fmt: str) -> str | float | int:
    if isinstance(value, (int, float)) and fmt != "unixTimestamp":
        return _format_epoch(value, fmt)
    d = to_datetime(value)
    if fmt == "unixTimestamp":
        ts = d.timestamp()
        return int(ts) if ts == int(ts) else round(ts, 3)
    if fmt == "rfc822":
        return format_datetime(d.replace(microsecond=0), usegmt=True)
    # iso8601 with milliseconds, as S3 and most services send it
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def _format_epoch(ts: float, fmt: str) -> str:
    """The common case (providers keep epoch numbers), without building datetimes."""
    seconds, ms = divmod(round(ts * 1000), 1000)
    t = time.gmtime(seconds)
    if fmt == "rfc822":
        return (
            f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
        )
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{ms:03d}Z"
    )


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
