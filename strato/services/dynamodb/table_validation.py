"""CreateTable's checks, in the order DynamoDB makes them and with its messages."""

from __future__ import annotations

from typing import Any

from . import index_definitions as indexes
from .errors import invalid, validation
from .shape_checks import ShapeErrors, key_schema_text

BILLING_MODES = ["PROVISIONED", "PAY_PER_REQUEST"]
ATTRIBUTE_TYPES = ["B", "N", "S"]
STREAM_VIEW_TYPES = ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"]
TABLE_CLASSES = ["STANDARD", "STANDARD_INFREQUENT_ACCESS"]
MAX_THROUGHPUT = 1_000_000_000_000
MAX_TAGS = 50


def check_create_table(params: dict[str, Any]) -> None:
    _check_shapes(params)
    billing = params.get("BillingMode") or "PROVISIONED"
    throughput = params.get("ProvisionedThroughput")
    check_throughput_rules(billing, throughput)
    key_schema = params["KeySchema"]
    definitions = params["AttributeDefinitions"]
    defined = [d["AttributeName"] for d in definitions]
    _check_attribute_definitions(definitions)
    _check_table_keys_defined(key_schema, defined)
    indexes.check_key_schema(key_schema)
    local = params.get("LocalSecondaryIndexes")
    global_ = params.get("GlobalSecondaryIndexes")
    if local is not None and not local:
        raise invalid("List of LocalSecondaryIndexes is empty")
    if global_ is not None and not global_:
        raise invalid("List of GlobalSecondaryIndexes is empty")
    if local:
        _check_locals(local, key_schema, defined)
    if global_:
        _check_globals(global_, defined, billing)
    _check_index_names(local or [], global_ or [])
    _check_definitions_used(key_schema, definitions, (local or []) + (global_ or []))
    _check_stream(params.get("StreamSpecification"))
    check_sse(params.get("SSESpecification"))
    if len(params.get("Tags") or []) > MAX_TAGS:
        raise validation("Number of Tags exceed the current limit for the provided ResourceArn")


def _check_shapes(params: dict[str, Any]) -> None:
    errors = ShapeErrors()
    errors.name(params.get("TableName"), "tableName")
    errors.enum(params.get("BillingMode"), "billingMode", BILLING_MODES)
    key_schema = params.get("KeySchema") or []
    errors.at_most(key_schema, key_schema_text(key_schema), "keySchema", 2)
    for i, element in enumerate(key_schema, 1):
        errors.enum(element.get("KeyType"), f"keySchema.{i}.member.keyType", indexes.KEY_TYPES)
    for i, definition in enumerate(params.get("AttributeDefinitions") or [], 1):
        errors.enum(
            definition.get("AttributeType"),
            f"attributeDefinitions.{i}.member.attributeType",
            ATTRIBUTE_TYPES,
        )
    for field, where in (
        ("LocalSecondaryIndexes", "localSecondaryIndexes"),
        ("GlobalSecondaryIndexes", "globalSecondaryIndexes"),
    ):
        for i, index in enumerate(params.get(field) or [], 1):
            indexes.shape_errors(errors, index, f"{where}.{i}.member")
    stream = params.get("StreamSpecification") or {}
    errors.enum(
        stream.get("StreamViewType"), "streamSpecification.streamViewType", STREAM_VIEW_TYPES
    )
    errors.raise_any()
    table_class = params.get("TableClass")
    if table_class is not None and table_class not in TABLE_CLASSES:
        raise validation(
            "Invalid table-class parameter provided. Please try again with a valid table-class "
            "value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."
        )


def check_throughput_rules(billing: str, throughput: dict[str, Any] | None) -> None:
    if billing == "PAY_PER_REQUEST":
        if throughput is not None:
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                "BillingMode is PAY_PER_REQUEST"
            )
        return
    if throughput is None:
        raise invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode "
            "is PROVISIONED"
        )
    for field in ("ReadCapacityUnits", "WriteCapacityUnits"):
        if throughput[field] > MAX_THROUGHPUT:
            raise validation(f"Given value {throughput[field]} for {field} is out of bounds")


def _check_attribute_definitions(definitions: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for definition in definitions:
        name = definition["AttributeName"]
        if name in seen:
            raise validation(f"Attribute Name is duplicated: {name}")
        seen.add(name)


def _check_table_keys_defined(key_schema: list[dict[str, Any]], defined: list[str]) -> None:
    keys = [k["AttributeName"] for k in key_schema]
    if all(k in defined for k in keys):
        return
    if not defined or len(keys) > 1:
        raise validation("Invalid KeySchema: Some index key attribute have no definition")
    raise invalid(
        "Some index key attributes are not defined in AttributeDefinitions. "
        f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(defined)}]"
    )


def _check_locals(
    local: list[dict[str, Any]], key_schema: list[dict[str, Any]], defined: list[str]
) -> None:
    if len(key_schema) != 2:
        raise invalid(
            "Table KeySchema does not have a range key, which is required when specifying a "
            "LocalSecondaryIndex"
        )
    indexes.check_defined(local, defined)
    for index in local:
        indexes.check_local(index, key_schema)
    _check_unique(local)
    if len(local) > 5:
        raise invalid("Number of LocalSecondaryIndexes exceeds per-table limit of 5")


def _check_globals(global_: list[dict[str, Any]], defined: list[str], billing: str) -> None:
    indexes.check_defined(global_, defined)
    for index in global_:
        indexes.check_global(index)
    _check_unique(global_)
    if len(global_) > 20:
        raise invalid("GlobalSecondaryIndex count exceeds the per-table limit of 20")
    for index in global_:
        has_throughput = index.get("ProvisionedThroughput") is not None
        if billing == "PAY_PER_REQUEST" and has_throughput:
            raise invalid(
                f"ProvisionedThroughput should not be specified for index: {index['IndexName']} "
                "when BillingMode is PAY_PER_REQUEST"
            )
        if billing == "PROVISIONED" and not has_throughput:
            raise invalid(f"ProvisionedThroughput is not specified for index: {index['IndexName']}")


def _check_unique(defs: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for index in defs:
        if index["IndexName"] in seen:
            raise invalid(f"Duplicate index name: {index['IndexName']}")
        seen.add(index["IndexName"])


def _check_index_names(local: list[dict[str, Any]], global_: list[dict[str, Any]]) -> None:
    _check_unique(local + global_)


def _check_definitions_used(
    key_schema: list[dict[str, Any]],
    definitions: list[dict[str, Any]],
    all_indexes: list[dict[str, Any]],
) -> None:
    used = {k["AttributeName"] for k in key_schema}
    for index in all_indexes:
        used.update(k["AttributeName"] for k in index["KeySchema"])
    if len(definitions) != len(used):
        raise invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes "
            "defined in AttributeDefinitions"
        )


def _check_stream(stream: dict[str, Any] | None) -> None:
    if stream is None:
        return
    enabled = stream.get("StreamEnabled")
    view = stream.get("StreamViewType")
    if enabled and view is None:
        raise invalid("Table is being created with a stream enabled, UpdateViewType is required")
    if not enabled and view is not None:
        raise invalid(
            "Table is being created with a stream disabled, UpdateViewType should not be specified"
        )


def check_sse(sse: dict[str, Any] | None) -> None:
    if sse is None or sse.get("Enabled", True):
        if sse and sse.get("KMSMasterKeyId") and sse.get("SSEType", "KMS") != "KMS":
            raise invalid("SSEType KMS is required if KMSMasterKeyId is specified")
        return
    if sse.get("SSEType") is not None:
        raise invalid("SSEType can not be specified if Enabled is false")
    if sse.get("KMSMasterKeyId") is not None:
        raise invalid("KMSMasterKeyId can not be specified if Enabled is false")
