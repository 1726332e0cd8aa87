"""The MD5 digests SQS returns, computed as AWS (and the SDKs that verify them) do."""

from __future__ import annotations

import base64
import hashlib
import struct
from typing import Any


def md5_of_body(body: str) -> str:
    return hashlib.md5(body.encode()).hexdigest()


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str | None:
    """Over names in order: len+name, len+type, then 1+len+string or 2+len+binary (4-byte lengths).

    `attributes` holds stored values: BinaryValue base64-encoded."""
    if not attributes:
        return None
    digest = hashlib.md5()

    def chunk(data: bytes) -> None:
        digest.update(struct.pack(">I", len(data)))
        digest.update(data)

    for name in sorted(attributes):
        value = attributes[name]
        chunk(name.encode())
        chunk(value["DataType"].encode())
        if value.get("StringValue") is not None:
            digest.update(b"\x01")
            chunk(value["StringValue"].encode())
        elif value.get("BinaryValue") is not None:
            digest.update(b"\x02")
            chunk(base64.b64decode(value["BinaryValue"]))
    return digest.hexdigest()


def attributes_size(attributes: dict[str, dict[str, Any]]) -> int:
    """Bytes the attributes count toward the message size limit (name, type and value)."""
    total = 0
    for name, value in attributes.items():
        total += len(name.encode()) + len(value["DataType"].encode())
        if value.get("StringValue") is not None:
            total += len(value["StringValue"].encode())
        elif value.get("BinaryValue") is not None:
            total += len(base64.b64decode(value["BinaryValue"]))
    return total
