"""PutMetricData's input checks, with AWS's error codes and wording, yielding `Datum`s."""

from __future__ import annotations

import math
from typing import Any

from ...protocol.timestamps import to_datetime
from .errors import bad_value, invalid_combination, invalid_value, missing_parameter
from .metric_store import Datum

MAX_DATA = 1000  # metrics per PutMetricData
MAX_VALUES = 150  # Values per datum
MAX_DIMENSIONS = 30
MAX_NAME = 255
MAX_DIMENSION_VALUE = 1024
VALUE_LIMIT = 2.0**360
PAST_LIMIT = 14 * 86400.0  # two weeks
FUTURE_LIMIT = 2 * 3600.0  # two hours
STORAGE_RESOLUTIONS = (1, 60)
UNITS = frozenset(
    [
        "Seconds",
        "Microseconds",
        "Milliseconds",
        "Bytes",
        "Kilobytes",
        "Megabytes",
        "Gigabytes",
        "Terabytes",
        "Bits",
        "Kilobits",
        "Megabits",
        "Gigabits",
        "Terabits",
        "Percent",
        "Count",
        "Bytes/Second",
        "Kilobytes/Second",
        "Megabytes/Second",
        "Gigabytes/Second",
        "Terabytes/Second",
        "Bits/Second",
        "Kilobits/Second",
        "Megabits/Second",
        "Gigabits/Second",
        "Terabits/Second",
        "Count/Second",
        "None",
    ]
)


def check_namespace(namespace: str, param: str = "Namespace") -> None:
    if len(namespace) > MAX_NAME:
        raise invalid_value(f"The parameter {param} must not be longer than {MAX_NAME}.")
    if namespace.startswith("AWS/"):
        raise bad_value(param, namespace)


def check_unit(unit: str | None, param: str) -> None:
    if unit is not None and unit not in UNITS:
        raise bad_value(param, unit)


def dimensions_of(dims: list[dict[str, str]] | None, param: str) -> dict[str, str]:
    """Dimensions as a dict, checked for count, lengths and repeated names."""
    dims = dims or []
    if len(dims) > MAX_DIMENSIONS:
        raise invalid_value(
            f"The collection {param} must not have a size greater than {MAX_DIMENSIONS}."
        )
    out: dict[str, str] = {}
    for i, d in enumerate(dims, 1):
        name, value = d["Name"], d["Value"]
        if len(name) > MAX_NAME:
            raise invalid_value(f"The parameter {param}.member.{i}.Name must be shorter than 256.")
        if len(value) > MAX_DIMENSION_VALUE:
            raise invalid_value(
                f"The parameter {param}.member.{i}.Value must be shorter than 1025."
            )
        if name in out:
            raise invalid_value(f"No two dimensions in {param} may have the same name ({name}).")
        out[name] = value
    return out


def _check_number(value: float, param: str) -> float:
    if not math.isfinite(value) or abs(value) > VALUE_LIMIT:
        raise bad_value(param, value)
    return float(value)


def metric_data(params: dict[str, Any], now: float) -> list[Datum]:
    """Every datum of a PutMetricData call (MetricData and EntityMetricData), or AWS's error."""
    namespace = params["Namespace"]
    check_namespace(namespace)
    data = list(params.get("MetricData") or [])
    for entity in params.get("EntityMetricData") or []:
        data.extend(entity.get("MetricData") or [])
    if "MetricData" not in params and "EntityMetricData" not in params:
        raise missing_parameter("MetricData")
    if len(data) > MAX_DATA:
        raise invalid_value(
            f"The collection MetricData must not have a size greater than {MAX_DATA}."
        )
    return [_datum(namespace, d, f"MetricData.member.{i}", now) for i, d in enumerate(data, 1)]


def _datum(namespace: str, d: dict[str, Any], where: str, now: float) -> Datum:
    name = d["MetricName"]
    if len(name) > MAX_NAME:
        raise invalid_value(f"The parameter {where}.MetricName must be shorter than 256.")
    given = [k for k in ("Value", "StatisticValues", "Values") if k in d]
    if len(given) > 1:
        raise invalid_combination(
            f"The parameters {where}.{given[0]} and {where}.{given[1]} are mutually exclusive "
            "and you have specified both."
        )
    if not given:
        raise invalid_combination(
            f"At least one of the parameters {where}.Value, {where}.Values or "
            f"{where}.StatisticValues must be specified."
        )
    if "Counts" in d and "Values" not in d:
        raise invalid_combination(
            f"The parameter {where}.Counts may only be specified with {where}.Values."
        )
    unit = d.get("Unit")
    check_unit(unit, f"{where}.Unit")
    resolution = d.get("StorageResolution", 60)
    if resolution not in STORAGE_RESOLUTIONS:
        raise bad_value(f"{where}.StorageResolution", resolution)
    timestamp = now
    if "Timestamp" in d:
        timestamp = to_datetime(d["Timestamp"]).timestamp()
        if timestamp < now - PAST_LIMIT:
            raise invalid_value(
                f"The parameter {where}.Timestamp must specify a time no more than two weeks "
                "in the past."
            )
        if timestamp > now + FUTURE_LIMIT:
            raise invalid_value(
                f"The parameter {where}.Timestamp must specify a time no more than two hours "
                "in the future."
            )
    datum = Datum(
        namespace=namespace,
        name=name,
        dimensions=dimensions_of(d.get("Dimensions"), f"{where}.Dimensions"),
        timestamp=timestamp,
        unit=unit or "None",
        storage_resolution=resolution,
    )
    if "Value" in d:
        datum.values = [_check_number(d["Value"], f"{where}.Value")]
    elif "Values" in d:
        _values(datum, d, where)
    else:
        datum.statistics = _statistic_set(d["StatisticValues"], f"{where}.StatisticValues")
    return datum


def _values(datum: Datum, d: dict[str, Any], where: str) -> None:
    values = d["Values"]
    if len(values) > MAX_VALUES:
        raise invalid_value(
            f"The collection {where}.Values must not have a size greater than {MAX_VALUES}."
        )
    datum.values = [_check_number(v, f"{where}.Values.member.{i}") for i, v in enumerate(values, 1)]
    if "Counts" in d:
        counts = d["Counts"]
        if len(counts) != len(values):
            raise invalid_value(
                f"The parameters {where}.Values and {where}.Counts must be of the same size."
            )
        for i, c in enumerate(counts, 1):
            if not math.isfinite(c) or c < 0:
                raise bad_value(f"{where}.Counts.member.{i}", c)
        datum.counts = [float(c) for c in counts]


def _statistic_set(s: dict[str, float], where: str) -> tuple[float, float, float, float]:
    count = _check_number(s["SampleCount"], f"{where}.SampleCount")
    total = _check_number(s["Sum"], f"{where}.Sum")
    low = _check_number(s["Minimum"], f"{where}.Minimum")
    high = _check_number(s["Maximum"], f"{where}.Maximum")
    if count <= 0:
        raise invalid_value(f"The parameter {where}.SampleCount must be greater than 0.")
    if low > high:
        raise invalid_value(
            f"The parameter {where}.Maximum must be greater than or equal to {where}.Minimum."
        )
    return (count, total, low, high)
