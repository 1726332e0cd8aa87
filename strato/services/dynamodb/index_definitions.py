"""Checks on secondary index definitions shared by CreateTable and UpdateTable."""

from __future__ import annotations

from typing import Any

from .errors import invalid, validation
from .shape_checks import ShapeErrors, key_schema_text

PROJECTION_TYPES = ["ALL", "INCLUDE", "KEYS_ONLY"]
KEY_TYPES = ["HASH", "RANGE"]


def shape_errors(errors: ShapeErrors, index: dict[str, Any], where: str) -> None:
    """Enum, name and length constraints of one index definition."""
    errors.name(index.get("IndexName"), f"{where}.indexName")
    key_schema = index.get("KeySchema") or []
    errors.at_most(key_schema, key_schema_text(key_schema), f"{where}.keySchema", 2)
    for i, element in enumerate(key_schema, 1):
        errors.enum(element.get("KeyType"), f"{where}.keySchema.{i}.member.keyType", KEY_TYPES)
    projection = index.get("Projection") or {}
    errors.enum(
        projection.get("ProjectionType"), f"{where}.projection.projectionType", PROJECTION_TYPES
    )


def check_key_schema(key_schema: list[dict[str, Any]]) -> None:
    """First element HASH, distinct names, second element RANGE."""
    if key_schema[0]["KeyType"] != "HASH":
        raise validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(key_schema) == 2:
        if key_schema[0]["AttributeName"] == key_schema[1]["AttributeName"]:
            raise validation(
                "Both the Hash Key and the Range Key element in the KeySchema have the same name"
            )
        if key_schema[1]["KeyType"] != "RANGE":
            raise validation(
                "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
            )


def check_defined(indexes: list[dict[str, Any]], defined: list[str]) -> None:
    """Every key attribute of these indexes is in AttributeDefinitions."""
    keys: list[str] = []
    for index in indexes:
        for element in index["KeySchema"]:
            if element["AttributeName"] not in keys:
                keys.append(element["AttributeName"])
    if any(k not in defined for k in keys):
        raise invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(defined)}]"
        )


def check_projection(projection: dict[str, Any]) -> None:
    kind = projection.get("ProjectionType")
    non_key = projection.get("NonKeyAttributes")
    if kind is None:
        raise invalid("Unknown ProjectionType: null")
    if kind == "INCLUDE":
        if non_key is None:
            raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
        seen: set[str] = set()
        for name in non_key:
            if name in seen:
                raise invalid(f"Duplicate element in NonKeyAttributes: {name}")
            seen.add(name)
    elif non_key is not None:
        raise invalid(f"ProjectionType is {kind}, but NonKeyAttributes is specified")


def check_local(index: dict[str, Any], table_key_schema: list[dict[str, Any]]) -> None:
    check_key_schema(index["KeySchema"])
    name = index["IndexName"]
    if len(index["KeySchema"]) != 2:
        raise invalid(f"Index KeySchema does not have a range key for index: {name}")
    index_hash = index["KeySchema"][0]["AttributeName"]
    table_hash = table_key_schema[0]["AttributeName"]
    if index_hash != table_hash:
        raise invalid(
            "Index KeySchema does not have the same leading hash key as table KeySchema for "
            f"index: {name}. index hash key: {index_hash}, table hash key: {table_hash}"
        )
    check_projection(index.get("Projection") or {})


def check_global(index: dict[str, Any]) -> None:
    check_key_schema(index["KeySchema"])
    check_projection(index.get("Projection") or {})


def stored_projection(projection: dict[str, Any]) -> dict[str, Any]:
    out = {"ProjectionType": projection["ProjectionType"]}
    if projection.get("NonKeyAttributes"):
        out["NonKeyAttributes"] = list(projection["NonKeyAttributes"])
    return out
