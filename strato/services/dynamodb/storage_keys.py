"""Where items and index entries sit in the store, and the key ranges Query and Scan read.

An item's key is (account, region, table) packed as text, then its partition key and
sort key as byte segments; an index entry's key is (account, region, table, index),
then the index's partition and sort key segments, then the item's own key segments.
A segment is `attribute_values.sort_key_bytes` of the value (order-preserving for S, N
and B), escaped so it holds neither 0x00 nor 0xFF, then ended by 0x00. So segments
compare byte-wise exactly as their values do, a value sorts before every longer value
it prefixes, and 0xFF closes any prefix range (as `store.keys.prefix_range` assumes).
"""

from __future__ import annotations

from ...store import keys

END = b"\x00"
AFTER_END = b"\x01"  # just past every key whose segment ends here
TOP = b"\xff"  # above every continuation of a prefix


def escape(raw: bytes) -> bytes:
    """Escape 0x00, 0x01, 0xFE and 0xFF with order-preserving two-byte codes."""
    if b"\x00" in raw or b"\x01" in raw:
        raw = raw.replace(b"\x01", b"\x01\x02").replace(b"\x00", b"\x01\x01")
    if b"\xfe" in raw or b"\xff" in raw:
        raw = raw.replace(b"\xfe", b"\xfe\x01").replace(b"\xff", b"\xfe\x02")
    return raw


def segment(raw: bytes) -> bytes:
    return escape(raw) + END


def table_prefix(account: str, region: str, table: str) -> bytes:
    return keys.pack(account, region, table)


def index_prefix(account: str, region: str, table: str, index: str) -> bytes:
    return keys.pack(account, region, table, index)


def whole(prefix: bytes) -> tuple[bytes, bytes]:
    """Every key that starts with `prefix`."""
    return prefix, prefix + TOP


def sort_range(partition: bytes, op: str, operands: list[bytes]) -> tuple[bytes, bytes]:
    """The keys of one partition whose sort key satisfies `op` over raw sort-key bytes."""
    lo, hi = whole(partition)
    if op == "begins_with":
        start = partition + escape(operands[0])
        return start, start + TOP
    first = partition + escape(operands[0])
    if op == "=":
        return first + END, first + AFTER_END
    if op == "<":
        return lo, first + END
    if op == "<=":
        return lo, first + AFTER_END
    if op == ">":
        return first + AFTER_END, hi
    if op == ">=":
        return first + END, hi
    if op == "BETWEEN":
        return first + END, partition + escape(operands[1]) + AFTER_END
    raise ValueError(f"unknown sort key operator {op}")


def after(key: bytes) -> bytes:
    """The smallest key above `key` (to resume a forward scan past it)."""
    return key + b"\x00"
