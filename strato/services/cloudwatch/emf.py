"""CloudWatch Embedded Metric Format: the metrics a structured log line declares.

A line is EMF when it is a JSON object whose `_aws` member holds `Timestamp` (epoch
milliseconds) and `CloudWatchMetrics`: directives, each with a `Namespace`, `Dimensions`
(a list of dimension sets, each a list of root member names whose string values become
dimension values) and `Metrics` (`Name`, optional `Unit` and `StorageResolution`). A
metric's value is the root member of the same name: a number, or an array of up to 100
numbers. Each dimension set yields its own metric; an empty set, a metric without any.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from .metric_store import Datum
from .validation import UNITS

MAX_METRICS_PER_DIRECTIVE = 100
MAX_VALUES = 100
MAX_DIMENSIONS = 30


class EmfError(ValueError):
    """A line that claims to be EMF (`_aws` present) but breaks the specification."""


@dataclass
class EmfMetric:
    namespace: str
    name: str
    values: list[float]
    unit: str = "None"
    dimensions: dict[str, str] = field(default_factory=dict)
    timestamp: float = 0.0  # seconds since the epoch
    storage_resolution: int = 60

    def datum(self) -> Datum:
        return Datum(
            namespace=self.namespace,
            name=self.name,
            dimensions=dict(self.dimensions),
            timestamp=self.timestamp,
            unit=self.unit,
            values=list(self.values),
            storage_resolution=self.storage_resolution,
        )


def metrics_from_emf(line: str) -> list[EmfMetric]:
    """The metrics of one log line; [] for a line that is not valid EMF (as CloudWatch does)."""
    try:
        return parse_emf(line)
    except EmfError:
        return []


def parse_emf(line: str) -> list[EmfMetric]:
    """Like `metrics_from_emf`, but an EMF document that breaks the spec raises EmfError."""
    text = line.strip()
    if not text.startswith("{") or '"_aws"' not in text:
        return []
    try:
        root = json.loads(text)
    except ValueError:
        return []
    if not isinstance(root, dict) or "_aws" not in root:
        return []
    meta = root["_aws"]
    if not isinstance(meta, dict):
        raise EmfError("_aws must be an object")
    stamp = meta.get("Timestamp")
    if isinstance(stamp, bool) or not isinstance(stamp, (int, float)):
        raise EmfError("_aws.Timestamp must be a number of epoch milliseconds")
    directives = meta.get("CloudWatchMetrics")
    if not isinstance(directives, list):
        raise EmfError("_aws.CloudWatchMetrics must be an array")
    out: list[EmfMetric] = []
    for directive in directives:
        out.extend(_directive(root, directive, stamp / 1000.0))
    return out


def _directive(root: dict, directive: Any, timestamp: float) -> list[EmfMetric]:
    if not isinstance(directive, dict):
        raise EmfError("a CloudWatchMetrics directive must be an object")
    namespace = directive.get("Namespace")
    if not isinstance(namespace, str) or not 1 <= len(namespace) <= 255:
        raise EmfError("Namespace must be a string of 1 to 255 characters")
    dimension_sets = directive.get("Dimensions", [[]])
    if not isinstance(dimension_sets, list):
        raise EmfError("Dimensions must be an array of dimension sets")
    sets = [_dimension_set(root, s) for s in dimension_sets] or [{}]
    definitions = directive.get("Metrics")
    if not isinstance(definitions, list):
        raise EmfError("Metrics must be an array")
    if len(definitions) > MAX_METRICS_PER_DIRECTIVE:
        raise EmfError(f"a directive may declare at most {MAX_METRICS_PER_DIRECTIVE} metrics")
    out = []
    for definition in definitions:
        name, unit, resolution = _definition(definition)
        values = _values(root.get(name), name)
        if not values:
            continue  # a declared metric with no value at the root is left out
        for dims in sets:
            out.append(EmfMetric(namespace, name, values, unit, dims, timestamp, resolution))
    return out


def _dimension_set(root: dict, names: Any) -> dict[str, str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise EmfError("a dimension set must be an array of member names")
    if len(names) > MAX_DIMENSIONS:
        raise EmfError(f"a dimension set may hold at most {MAX_DIMENSIONS} dimensions")
    dims = {}
    for name in names:
        value = root.get(name)
        if not isinstance(value, str):
            raise EmfError(f"dimension {name!r} must be a string member of the root")
        dims[name] = value
    return dims


def _definition(definition: Any) -> tuple[str, str, int]:
    if not isinstance(definition, dict) or not isinstance(definition.get("Name"), str):
        raise EmfError("a metric definition must be an object with a Name")
    name = definition["Name"]
    if not 1 <= len(name) <= 255:
        raise EmfError("a metric Name must have 1 to 255 characters")
    unit = definition.get("Unit", "None")
    if unit not in UNITS:
        raise EmfError(f"unknown Unit {unit!r}")
    resolution = definition.get("StorageResolution", 60)
    if resolution not in (1, 60):
        raise EmfError("StorageResolution must be 1 or 60")
    return name, unit, resolution


def _values(raw: Any, name: str) -> list[float]:
    items = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    if len(items) > MAX_VALUES:
        raise EmfError(f"metric {name!r} has more than {MAX_VALUES} values")
    values = []
    for v in items:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise EmfError(f"metric {name!r} values must be numbers")
        values.append(float(v))
    return values
