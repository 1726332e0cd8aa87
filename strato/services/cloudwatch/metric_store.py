"""Metric data in the store: write data, list metrics, read the samples of one metric by time."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ...store import Store, keys
from . import records


@dataclass
class Datum:
    """One metric datum as PutMetricData takes it, already validated."""

    namespace: str
    name: str
    dimensions: dict[str, str] = field(default_factory=dict)
    timestamp: float = 0.0  # seconds since the epoch
    unit: str = "None"
    values: list[float] = field(default_factory=list)
    counts: list[float] | None = None
    statistics: tuple[float, float, float, float] | None = None  # count, sum, min, max
    storage_resolution: int = 60


@dataclass
class Sample:
    """A stored datum, read back for a statistic."""

    timestamp: float
    unit: str
    data: dict  # {"v": values, "c": counts} or {"s": [count, sum, min, max]}


class MetricStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, account: str, region: str, data: Iterable[Datum], received: float) -> None:
        """Write every datum and mark its metric active, all in one transaction."""
        with self.store.transaction() as tx:
            touched: set[bytes] = set()
            for d in data:
                dims = records.dimensions_key(d.dimensions)
                # Standard resolution keeps minutes, high resolution seconds (as AWS stores them).
                step = 1 if d.storage_resolution == 1 else 60
                ts_ms = int(math.floor(d.timestamp / step) * step * 1000)
                sample: dict = {"u": d.unit}
                if d.statistics is not None:
                    sample["s"] = list(d.statistics)
                else:
                    sample["v"] = d.values
                    if d.counts is not None and any(c != 1 for c in d.counts):
                        sample["c"] = d.counts
                key = keys.pack(
                    account,
                    region,
                    d.namespace,
                    d.name,
                    dims,
                    records.time_part(ts_ms),
                    records.next_seq(),
                )
                tx.put(records.SAMPLES, key, sample)
                metric_key = keys.pack(account, region, d.namespace, d.name, dims)
                if metric_key not in touched:
                    touched.add(metric_key)
                    tx.put(
                        records.METRICS,
                        metric_key,
                        {
                            "Namespace": d.namespace,
                            "MetricName": d.name,
                            "Dimensions": dims,
                            "LastPut": received,
                        },
                    )

    def metrics(
        self,
        account: str,
        region: str,
        namespace: str | None = None,
        name: str | None = None,
        after: bytes | None = None,
    ) -> Iterator[tuple[bytes, dict]]:
        """Known metrics in key order, narrowed by namespace (and name) when given."""
        parts = [p for p in (namespace, name if namespace is not None else None) if p is not None]
        lo, hi = records.metric_prefix(account, region, *parts)
        if after is not None:
            lo = max(lo, keys.after(after))
        while True:
            batch = list(self.store.scan(records.METRICS, lo, hi, limit=500))
            for key, value in batch:
                if name is None or value["MetricName"] == name:
                    yield key, value
            if len(batch) < 500:
                return
            lo = keys.after(batch[-1][0])

    def samples(
        self,
        account: str,
        region: str,
        namespace: str,
        name: str,
        dimensions: dict[str, str],
        start: float,
        end: float,
    ) -> list[Sample]:
        """The samples of one metric with start <= time < end."""
        dims = records.dimensions_key(dimensions)
        base = (account, region, namespace, name, dims)
        lo = keys.pack(*base, records.time_part(int(math.ceil(start * 1000))))
        hi = keys.pack(*base, records.time_part(int(math.ceil(end * 1000))))
        out = []
        for key, value in self.store.scan(records.SAMPLES, lo, hi):
            ts_ms = int(keys.unpack(key)[5])
            out.append(Sample(ts_ms / 1000.0, value["u"], value))
        return out
