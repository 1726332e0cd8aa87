"""ParameterFilters (and the older Filters) of DescribeParameters and GetParametersByPath."""

from __future__ import annotations

from typing import Any

from .errors import validation


def matches(name: str, record: dict, filters: list[dict[str, Any]]) -> bool:
    entry = record["History"][-1]
    tags = {t["Key"]: t["Value"] for t in record.get("Tags") or []}
    for f in filters:
        key, option, values = f["Key"], f.get("Option", "Equals"), f.get("Values") or []
        if key.startswith("tag:"):
            tag = key[4:]
            if tag not in tags or (values and tags[tag] not in values):
                return False
            continue
        if key == "Name":
            if not any(_compare(option, name, v) for v in values):
                return False
        elif key == "Path":
            recursive = option == "Recursive"
            if not any(under(name, v, recursive) for v in values):
                return False
        elif key == "Label":
            labels = {label for e in record["History"] for label in e["Labels"]}
            if not labels.intersection(values):
                return False
        elif key in ("Type", "KeyId", "Tier", "DataType"):
            if entry.get(key) not in values:
                return False
        else:
            raise validation(
                f"The following filter key is not valid: {key}. Valid filter keys include: [Path, Name, Type, KeyId, Tier, Label, DataType]."
            )
    return True


def _compare(option: str, name: str, value: str) -> bool:
    if option == "BeginsWith":
        return name.startswith(value) or name.lstrip("/").startswith(value.lstrip("/"))
    if option == "Contains":
        return value in name
    return name == value or name.lstrip("/") == value.lstrip("/")


def under(name: str, path: str, recursive: bool) -> bool:
    prefix = path.rstrip("/") + "/"
    if not name.startswith(prefix):
        return False
    return recursive or "/" not in name[len(prefix) :]


def from_legacy(filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The older DescribeParameters Filters (Name/Type/KeyId, Values) as ParameterFilters."""
    return [
        {
            "Key": f["Key"],
            "Option": "BeginsWith" if f["Key"] == "Name" else "Equals",
            "Values": f["Values"],
        }
        for f in filters
    ]
