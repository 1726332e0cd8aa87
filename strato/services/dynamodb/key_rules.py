"""The rules key attributes obey, with DynamoDB's messages: present, of the defined type, not empty, not too big."""

from __future__ import annotations

from typing import Any

from .errors import INVALID, NOT_VALID, invalid, validation
from .schema import Item, TableSchema

HASH_KEY_MAX = 2048
RANGE_KEY_MAX = 1024
NO_MATCH = "The provided key element does not match the schema"


def type_of(av: dict[str, Any]) -> str:
    return next(iter(av), "")


def _is_empty(av: dict[str, Any]) -> bool:
    value = av.get("S", av.get("B"))
    return value is not None and len(value) == 0


def _empty_kind(av: dict[str, Any]) -> str:
    return "string" if "S" in av else "binary"


def _size(av: dict[str, Any]) -> int:
    value = av.get("S")
    if value is not None:
        return len(value.encode())
    value = av.get("B")
    return len(value) if value is not None else 0


def _check_sizes(schema: TableSchema, item: Item) -> None:
    if _size(item[schema.key.hash_name]) > HASH_KEY_MAX:
        raise invalid(f"Size of hashkey has exceeded the maximum size limit of{HASH_KEY_MAX} bytes")
    if schema.key.range_name and _size(item[schema.key.range_name]) > RANGE_KEY_MAX:
        raise invalid(
            "Aggregated size of all range keys has exceeded the size limit of "
            f"{RANGE_KEY_MAX} bytes"
        )


def check_item(schema: TableSchema, item: Item, *, updating: bool = False) -> None:
    """A whole item about to be written: its table keys and any index keys it carries."""
    for name, kind in schema.key.typed():
        av = item.get(name)
        if av is None:
            raise invalid(f"Missing the key {name} in the item")
        actual = type_of(av)
        if actual != kind:
            raise invalid(f"Type mismatch for key {name} expected: {kind} actual: {actual}")
        if _is_empty(av):
            raise validation(
                NOT_VALID + "The AttributeValue for a key attribute cannot contain an "
                f"empty {_empty_kind(av)} value. Key: {name}"
            )
    _check_sizes(schema, item)
    check_index_keys(schema, item, updating=updating)


def check_index_keys(schema: TableSchema, item: Item, *, updating: bool = False) -> None:
    table_keys = set(schema.key.names)
    for index in schema.indexes.values():
        for name, kind in index.key.typed():
            av = item.get(name)
            if av is None or name in table_keys:
                continue
            actual = type_of(av)
            if actual != kind:
                raise invalid(
                    f"Type mismatch for Index Key {name} Expected: {kind} Actual: {actual} "
                    f"IndexName: {index.name}"
                )
            if _is_empty(av):
                if updating:
                    raise validation(
                        NOT_VALID + "The update expression attempted to update a secondary "
                        "index key to a value that is not supported. The AttributeValue for a "
                        f"key attribute cannot contain an empty {_empty_kind(av)} value."
                    )
                raise validation(
                    NOT_VALID + "A value specified for a secondary index key is not supported. "
                    f"The AttributeValue for a key attribute cannot contain an empty "
                    f"{_empty_kind(av)} value. IndexName: {index.name}, IndexKey: {name}"
                )


def check_key(schema: TableSchema, key: Item) -> None:
    """A `Key` parameter: exactly the table's key attributes, of the defined types, not empty."""
    typed = schema.key.typed()
    if len(key) != len(typed):
        raise validation(NO_MATCH)
    for name, kind in typed:
        av = key.get(name)
        if av is None or type_of(av) != kind:
            raise validation(NO_MATCH)
    for name, _ in typed:
        if _is_empty(key[name]):
            raise validation(
                NOT_VALID + "The AttributeValue for a key attribute cannot contain an "
                f"empty {_empty_kind(key[name])} value. Key: {name}"
            )
    _check_sizes(schema, key)


def check_start_key(schema: TableSchema, start: Item, index_name: str | None) -> None:
    """An ExclusiveStartKey: the table's keys, plus the index's when reading an index."""
    names = list(schema.key.typed())
    if index_name is not None:
        names += [nk for nk in schema.indexes[index_name].key.typed() if nk not in names]
    bad = len(start) != len(names) or any(
        start.get(name) is None or type_of(start[name]) != kind for name, kind in names
    )
    if bad:
        raise validation("The provided starting key is invalid: " + NO_MATCH)


def update_touches_key(schema: TableSchema, updated: set[str]) -> None:
    for name in schema.key.names:
        if name in updated:
            raise validation(
                INVALID + f"Cannot update attribute {name}. This attribute is part of the key"
            )
