"""Helpers for DynamoDB tests: unique table names, table definitions, error assertions."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def key_schema(hash_key: tuple[str, str], range_key: tuple[str, str] | None = None):
    schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
    return schema


def new_table(
    ddb,
    hash_key: tuple[str, str] = ("pk", "S"),
    range_key: tuple[str, str] | None = None,
    attributes: dict[str, str] | None = None,
    **extra,
) -> str:
    """Create a PAY_PER_REQUEST table; `attributes` adds index key definitions."""
    name = extra.pop("TableName", None) or unique()
    defs = {hash_key[0]: hash_key[1]}
    if range_key:
        defs[range_key[0]] = range_key[1]
    defs.update(attributes or {})
    extra.setdefault("BillingMode", "PAY_PER_REQUEST")
    ddb.create_table(
        TableName=name,
        KeySchema=key_schema(hash_key, range_key),
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": t} for k, t in defs.items()],
        **extra,
    )
    return name


def gsi(name: str, hash_key: str, range_key: str | None = None, projection="ALL", **extra):
    projection_spec = (
        {"ProjectionType": projection}
        if isinstance(projection, str)
        else {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(projection)}
    )
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return {"IndexName": name, "KeySchema": schema, "Projection": projection_spec, **extra}


def error_of(call, *args, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value


def expect_error(code: str, message: str | None, call, *args, **kwargs) -> ClientError:
    """Assert `call` fails with `code` (HTTP 400) and, when given, exactly `message`."""
    err = error_of(call, *args, **kwargs)
    assert err.response["Error"]["Code"] == code, err.response["Error"]
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    if message is not None:
        assert err.response["Error"]["Message"] == message
    return err
