"""Statistics over the samples of one period: SampleCount, Sum, Minimum, Maximum, Average, pNN, tmNN.

Percentiles use the nearest-rank method over the raw values (weighted by their counts).
Like CloudWatch, they exist only when every sample is a raw value, or a statistic set
that stands for raw values (SampleCount 1, or Minimum equal to Maximum).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

STANDARD = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
# pNN, pNN.NN; tmNN / tm(a%:b%) style trimmed means as tmNN and tmA:B; IQM.
_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d{1,2})?|100(?:\.0{1,2})?)$")
_TRIMMED = re.compile(r"^tm(\d{1,2}(?:\.\d{1,2})?)(?::(\d{1,3}(?:\.\d{1,2})?))?$")


def is_extended(stat: str) -> bool:
    """A percentile or trimmed-mean statistic this module can compute."""
    if stat == "IQM":
        return True
    m = _TRIMMED.match(stat)
    if m and m.group(2) is not None:
        return float(m.group(1)) < float(m.group(2)) <= 100
    return bool(_PERCENTILE.match(stat) or m)


def is_statistic(stat: str) -> bool:
    return stat in STANDARD or is_extended(stat)


@dataclass
class Aggregate:
    """What a period's samples add up to."""

    count: float = 0.0
    total: float = 0.0
    minimum: float = math.inf
    maximum: float = -math.inf
    values: list[tuple[float, float]] = field(default_factory=list)  # (value, weight)
    raw: bool = True  # False once a statistic set that hides its values was added

    def add_value(self, value: float, count: float = 1.0) -> None:
        if count <= 0:
            return
        self.count += count
        self.total += value * count
        self.minimum = min(self.minimum, value)
        self.maximum = max(self.maximum, value)
        self.values.append((value, count))

    def add_set(self, sample_count: float, total: float, minimum: float, maximum: float) -> None:
        if sample_count <= 0:
            return
        if sample_count == 1 or minimum == maximum:
            self.values.append((minimum, sample_count))
        else:
            self.raw = False
        self.count += sample_count
        self.total += total
        self.minimum = min(self.minimum, minimum)
        self.maximum = max(self.maximum, maximum)

    def add_sample(self, sample: dict) -> None:
        """One stored datum: {"v": values, "c": counts} or {"s": [count, sum, min, max]}."""
        stats = sample.get("s")
        if stats is not None:
            self.add_set(*stats)
            return
        counts = sample.get("c")
        for i, v in enumerate(sample["v"]):
            self.add_value(v, counts[i] if counts else 1.0)

    @property
    def empty(self) -> bool:
        return self.count <= 0

    def statistic(self, stat: str) -> float | None:
        """The value of `stat`, or None where CloudWatch reports none."""
        if self.empty:
            return None
        if stat == "SampleCount":
            return self.count
        if stat == "Sum":
            return self.total
        if stat == "Minimum":
            return self.minimum
        if stat == "Maximum":
            return self.maximum
        if stat == "Average":
            return self.total / self.count
        if not self.raw:
            return None
        if stat == "IQM":
            return self._trimmed_mean(25.0, 75.0)
        m = _PERCENTILE.match(stat)
        if m:
            return percentile(self.values, float(m.group(1)))
        m = _TRIMMED.match(stat)
        if m:
            if m.group(2) is None:
                return self._trimmed_mean(0.0, float(m.group(1)))
            return self._trimmed_mean(float(m.group(1)), float(m.group(2)))
        return None

    def _trimmed_mean(self, lo: float, hi: float) -> float | None:
        """The mean of the values ranked between the lo and hi percentiles (inclusive of hi)."""
        ordered = sorted(self.values)
        total = sum(w for _, w in ordered)
        start, end = total * lo / 100.0, total * hi / 100.0
        weight = acc = 0.0
        seen = 0.0
        for value, w in ordered:
            take = max(0.0, min(seen + w, end) - max(seen, start))
            if take > 0:
                acc += value * take
                weight += take
            seen += w
        return acc / weight if weight > 0 else None


def percentile(values: list[tuple[float, float]], p: float) -> float | None:
    """Nearest-rank percentile of weighted values: the smallest value with p% at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    total = sum(w for _, w in ordered)
    if p <= 0:
        return ordered[0][0]
    rank = math.ceil(p / 100.0 * total - 1e-9)
    seen = 0.0
    for value, w in ordered:
        seen += w
        if seen >= rank:
            return value
    return ordered[-1][0]
