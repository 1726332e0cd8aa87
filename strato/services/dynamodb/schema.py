"""A table's keys and indexes, read from its record: which attributes key what, and what each index holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Item = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class KeyShape:
    """A key schema: the partition key and the optional sort key, with their scalar types."""

    hash_name: str
    hash_type: str
    range_name: str | None = None
    range_type: str | None = None

    @classmethod
    def from_schema(cls, key_schema: list[dict], types: dict[str, str]) -> KeyShape:
        hash_name = next(k["AttributeName"] for k in key_schema if k["KeyType"] == "HASH")
        range_name = next((k["AttributeName"] for k in key_schema if k["KeyType"] == "RANGE"), None)
        return cls(
            hash_name,
            types[hash_name],
            range_name,
            types[range_name] if range_name else None,
        )

    @property
    def names(self) -> tuple[str, ...]:
        return (self.hash_name, self.range_name) if self.range_name else (self.hash_name,)

    def typed(self) -> list[tuple[str, str]]:
        out = [(self.hash_name, self.hash_type)]
        if self.range_name:
            out.append((self.range_name, self.range_type or ""))
        return out

    def pick(self, item: Item) -> Item:
        """The key attributes of `item` (all present: callers validated it)."""
        return {name: item[name] for name in self.names}

    def covers(self, item: Item) -> bool:
        """Whether `item` has every key attribute with the right type (else it is not indexed)."""
        for name, kind in self.typed():
            av = item.get(name)
            if av is None or kind not in av:
                return False
        return True


@dataclass(frozen=True)
class IndexSpec:
    name: str
    is_global: bool
    key: KeyShape
    projection_type: str  # ALL | KEYS_ONLY | INCLUDE
    non_key_attributes: tuple[str, ...]
    table_key: KeyShape

    def project(self, item: Item) -> Item:
        """The part of `item` this index stores (its projection)."""
        if self.projection_type == "ALL":
            return item
        wanted = set(self.table_key.names) | set(self.key.names)
        if self.projection_type == "INCLUDE":
            wanted.update(self.non_key_attributes)
        return {k: v for k, v in item.items() if k in wanted}

    @property
    def kind(self) -> str:
        return "GlobalSecondaryIndexes" if self.is_global else "LocalSecondaryIndexes"


@dataclass(frozen=True)
class TableSchema:
    name: str
    key: KeyShape
    indexes: dict[str, IndexSpec]
    attribute_types: dict[str, str]

    @classmethod
    def of(cls, record: dict[str, Any]) -> TableSchema:
        types = {d["AttributeName"]: d["AttributeType"] for d in record["AttributeDefinitions"]}
        key = KeyShape.from_schema(record["KeySchema"], types)
        indexes: dict[str, IndexSpec] = {}
        for is_global, field in (
            (False, "LocalSecondaryIndexes"),
            (True, "GlobalSecondaryIndexes"),
        ):
            for index in record.get(field) or []:
                projection = index.get("Projection") or {}
                indexes[index["IndexName"]] = IndexSpec(
                    name=index["IndexName"],
                    is_global=is_global,
                    key=KeyShape.from_schema(index["KeySchema"], types),
                    projection_type=projection.get("ProjectionType", "ALL"),
                    non_key_attributes=tuple(projection.get("NonKeyAttributes") or ()),
                    table_key=key,
                )
        return cls(record["TableName"], key, indexes, types)

    @property
    def has_local_indexes(self) -> bool:
        return any(not i.is_global for i in self.indexes.values())
