"""Schedule expressions: `rate(value unit)` and six-field `cron(...)`, as EventBridge reads them.

Cron fields: minutes hours day-of-month month day-of-week year (UTC). One of day-of-month
and day-of-week must be `?`. Day-of-week counts SUN=1..SAT=7; `L`, `W` and `#` as AWS has them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAYS = {d: i + 1 for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])}


class InvalidSchedule(ValueError):
    pass


@dataclass(frozen=True)
class Rate:
    seconds: int

    def next_after(self, t: float) -> float:
        return t + self.seconds


def _number(text: str, names: dict[str, int], lo: int, hi: int) -> int:
    value = names.get(text.upper()) if names else None
    if value is None:
        if not text.isdigit():
            raise InvalidSchedule(text)
        value = int(text)
    if not lo <= value <= hi:
        raise InvalidSchedule(text)
    return value


def _values(field: str, lo: int, hi: int, names: dict[str, int] | None = None) -> frozenset[int]:
    """The set a plain cron field (`*`, lists, ranges, steps) allows."""
    out: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise InvalidSchedule(field)
            step = int(step_text)
        if part == "*":
            start, end = lo, hi
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _number(a, names or {}, lo, hi), _number(b, names or {}, lo, hi)
        else:
            start = _number(part, names or {}, lo, hi)
            end = hi if step > 1 else start
        if start <= end:
            out.update(range(start, end + 1, step))
        else:  # a range that wraps (FRI-MON)
            span = list(range(start, hi + 1)) + list(range(lo, end + 1))
            out.update(span[::step])
    return frozenset(out)


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    dom: str  # the raw field: checked per month because of L and W
    months: frozenset[int]
    dow: str
    years: frozenset[int]

    def _dom_matches(self, day: dt.date) -> bool:
        last = calendar.monthrange(day.year, day.month)[1]
        if self.dom == "?":
            return True
        if self.dom == "L":
            return day.day == last
        if self.dom.endswith("W"):
            return day == _nearest_weekday(day.year, day.month, int(self.dom[:-1]))
        return day.day in _values(self.dom, 1, 31)

    def _dow_matches(self, day: dt.date) -> bool:
        if self.dow == "?":
            return True
        weekday = (day.isoweekday() % 7) + 1  # SUN=1
        if "#" in self.dow:
            d, n = self.dow.split("#")
            return weekday == _number(d, _DAYS, 1, 7) and (day.day - 1) // 7 + 1 == int(n)
        if self.dow.endswith("L") and len(self.dow) > 1:
            last = calendar.monthrange(day.year, day.month)[1]
            return weekday == _number(self.dow[:-1], _DAYS, 1, 7) and day.day + 7 > last
        return weekday in _values(self.dow, 1, 7, _DAYS)

    def next_after(self, t: float) -> float:
        start = dt.datetime.fromtimestamp(int(t) // 60 * 60 + 60, dt.UTC)
        day = start.date()
        for _ in range(366 * 5):
            if day.year not in self.years:
                later = [y for y in self.years if y > day.year]
                if not later:
                    break
                day = dt.date(min(later), 1, 1)
                continue
            if day.month not in self.months:
                day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                continue
            if self._dom_matches(day) and self._dow_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        at = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)
                        if at >= start:
                            return at.timestamp()
            day += dt.timedelta(days=1)
        return float("inf")


def _nearest_weekday(year: int, month: int, day: int) -> dt.date:
    last = calendar.monthrange(year, month)[1]
    target = dt.date(year, month, min(day, last))
    if target.weekday() == 5:
        return target - dt.timedelta(days=1) if target.day > 1 else target + dt.timedelta(days=2)
    if target.weekday() == 6:
        return target + dt.timedelta(days=1) if target.day < last else target - dt.timedelta(days=2)
    return target


def parse_schedule(expression: str) -> Rate | Cron:
    """The schedule an expression describes; InvalidSchedule when AWS would reject it."""
    rate = _RATE.fullmatch(expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value <= 0 or (value == 1) != (not unit.endswith("s")):
            raise InvalidSchedule(expression)
        return Rate(value * _UNIT_SECONDS[unit.rstrip("s")])
    if expression.startswith("cron(") and expression.endswith(")"):
        fields = expression[5:-1].split()
        if len(fields) != 6:
            raise InvalidSchedule(expression)
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise InvalidSchedule(expression)  # exactly one of the day fields is `?`
        cron = Cron(
            _values(minute, 0, 59),
            _values(hour, 0, 23),
            dom,
            _values(month, 1, 12, _MONTHS),
            dow.upper(),
            _values(year, 1970, 2199),
        )
        probe = dt.date(2024, 1, 1)
        cron._dom_matches(probe)  # raises InvalidSchedule on a malformed day field
        cron._dow_matches(probe)
        return cron
    raise InvalidSchedule(expression)


def validate_schedule(expression: str) -> Rate | Cron:
    try:
        return parse_schedule(expression)
    except (InvalidSchedule, ValueError) as e:
        raise InvalidSchedule(expression) from e
