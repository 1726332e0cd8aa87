"""Shape-driven reading of query-protocol form fields (`A.member.1`, `M.entry.1.key`, ...)."""

from __future__ import annotations

from typing import Any

from botocore.model import Shape

from .scalars import parse_scalar


class _Fields:
    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        self.prefixes: set[str] = set()
        for key in fields:
            parts = key.split(".")
            for i in range(1, len(parts)):
                self.prefixes.add(".".join(parts[:i]))

    def has(self, name: str) -> bool:
        return name in self.fields or name in self.prefixes


def from_query(shape: Shape, fields: dict[str, str]) -> dict[str, Any]:
    return _read(shape, _Fields(fields), "") or {}


def _read(shape: Shape, f: _Fields, prefix: str) -> Any:
    t = shape.type_name
    if t == "structure":
        out = {}
        for name, member in shape.members.items():
            key = member.serialization.get("name", name)
            full = f"{prefix}.{key}" if prefix else key
            if f.has(full) or _flat_list_prefix(member, full, f):
                value = _read(member, f, full)
                if value is not None:
                    out[name] = value
        return out
    if t == "list":
        if f.fields.get(prefix) == "":
            return []
        member = shape.member
        if shape.serialization.get("flattened"):
            base = _flattened_name(shape, prefix)
        else:
            base = f"{prefix}.{member.serialization.get('name', 'member')}"
        return [_read(member, f, p) for p in _indexed(f, base)]
    if t == "map":
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        out = {}
        for p in _indexed(f, base):
            k = f.fields.get(f"{p}.{key_name}")
            if k is not None:
                out[k] = _read(shape.value, f, f"{p}.{value_name}")
        return out
    text = f.fields.get(prefix)
    return None if text is None else parse_scalar(t, text)


def _flattened_name(shape: Shape, prefix: str) -> str:
    inner = shape.member.serialization.get("name")
    if inner:
        return ".".join(prefix.split(".")[:-1] + [inner])
    return prefix


def _flat_list_prefix(member: Shape, full: str, f: _Fields) -> bool:
    if member.type_name == "list" and member.serialization.get("flattened"):
        return f.has(_flattened_name(member, full))
    return False


def _indexed(f: _Fields, base: str) -> list[str]:
    found = []
    i = 1
    misses = 0
    # Clients number from 1 without gaps; tolerate a few gaps from hand-written requests.
    while misses < 3:
        p = f"{base}.{i}"
        if f.has(p):
            found.append(p)
            misses = 0
        else:
            misses += 1
        i += 1
    return found
