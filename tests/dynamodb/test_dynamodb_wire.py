"""DynamoDB's wire details that SDKs other than boto3 rely on."""

from __future__ import annotations

import json
import zlib

import pytest
from botocore.exceptions import ClientError


def test_bodies_carry_crc32_and_errors_a_namespaced_type(client_factory):
    ddb = client_factory("dynamodb")
    seen: list = []
    ddb.meta.events.register(
        "before-parse.dynamodb.*", lambda response_dict, **_: seen.append(response_dict)
    )
    ddb.list_tables()
    ok = seen[-1]
    assert int(ok["headers"]["x-amz-crc32"]) == zlib.crc32(ok["body"])
    with pytest.raises(ClientError) as e:
        ddb.describe_table(TableName="no-such-table-anywhere")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    raw = json.loads(seen[-1]["body"])
    assert raw["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
