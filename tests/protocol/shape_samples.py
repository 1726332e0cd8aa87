"""Deterministic sample values for botocore shapes, and the normal form used to compare them."""

from __future__ import annotations

import datetime as dt
import random
import string
import zlib
from typing import Any

from botocore.model import Shape

_ALNUM = string.ascii_letters + string.digits
_MAX_DEPTH = 5  # below this only required members are filled, so recursive shapes end
# What each place must carry intact; each ends in a letter since HTTP trims header values.
_MARKUP = {
    None: " & <a> \"q\" 'x' %20 + = ? \u00e9\u2603z",  # bodies: XML, JSON and form escaping
    "querystring": " /+&=?%:\u00e9z",
    "uri": " /:+%\u00e9z",  # a non-greedy label: '/' must stay inside it
    "header": ' a,"b" c',
    "header-item": ' a,"b" c',  # a list item: commas and quotes need quoting
}
_EPOCH = dt.datetime(2024, 3, 5, 6, 7, 8, tzinfo=dt.UTC)


class SampleGenerator:
    """Fills a shape with values a client could send: every member down to a depth, enums honoured."""

    def __init__(
        self,
        seed: str,
        *,
        output: bool = False,
        minimal: bool = False,
        empty: bool = False,
        greedy: frozenset = frozenset(),
    ) -> None:
        self.rng = random.Random(zlib.crc32(seed.encode()))
        self.output = output
        self.minimal = minimal  # required members only: absent optionals must stay absent
        self.empty = empty  # lists and maps empty wherever the model allows it
        self.greedy = greedy  # uri labels written {Name+}: they may hold '/'

    def top(self, shape: Shape | None) -> dict[str, Any]:
        if shape is None:
            return {}
        return self.value(shape, location=None, depth=0, stack=())

    def value(self, shape: Shape, location: str | None, depth: int, stack: tuple) -> Any:
        t = shape.type_name
        if t == "structure":
            return self._structure(shape, depth, stack)
        if t == "list":
            return self._list(shape, location, depth, stack)
        if t == "map":
            return self._map(shape, location, depth, stack)
        return self.scalar(shape, location)

    def _structure(self, shape: Shape, depth: int, stack: tuple) -> Any:
        if shape.is_document_type:
            return {"doc": "v", "n": 1, "list": [1, "x", True], "nested": {"k": None}}
        members = {
            name: m
            for name, m in shape.members.items()
            if not m.serialization.get("eventstream") and not m.metadata.get("eventstream")
        }
        if shape.metadata.get("union"):
            if not members:
                return {}
            name = self.rng.choice(sorted(members))
            return {name: self._member(name, members[name], depth, stack + (shape.name,))}
        recursive = shape.name in stack
        required = set(shape.required_members)
        out = {}
        for name, member in members.items():
            if (self.minimal or depth >= _MAX_DEPTH or recursive) and name not in required:
                continue
            if depth > 0 and member.serialization.get("location"):
                continue  # locations only mean something on the top-level shape
            out[name] = self._member(name, member, depth, stack + (shape.name,))
        if not out and members and depth > 0 and not recursive:
            # nobody passes {} for a nested structure, and the query protocol cannot send one
            name = self.rng.choice(sorted(members))
            out[name] = self._member(name, members[name], depth, stack + (shape.name,))
        return out

    def _member(self, name: str, member: Shape, depth: int, stack: tuple) -> Any:
        loc = member.serialization.get("location") if depth == 0 else None
        if loc == "statusCode":
            return 200
        if member.serialization.get("hostLabel"):
            return self._sized_text(member)  # becomes part of the host name
        if loc == "uri" and member.serialization.get("name", name) in self.greedy:
            return f"dir/sub dir/a+b%c~\u00e9-{self._text(6)}"
        return self.value(member, loc, depth + 1, stack)

    def _count(self, shape: Shape, want: int = 2) -> int:
        if self.empty and not shape.metadata.get("min"):
            return 0
        lo = shape.metadata.get("min", 1) or 1
        hi = shape.metadata.get("max", want)
        return max(lo, min(want, hi))

    def _list(self, shape: Shape, location: str | None, depth: int, stack: tuple) -> list:
        n = self._count(shape)
        item_loc = "header-item" if location == "header" else location
        return [self.value(shape.member, item_loc, depth, stack) for _ in range(n)]

    def _map(self, shape: Shape, location: str | None, depth: int, stack: tuple) -> dict:
        enum = shape.key.enum
        n = self._count(shape, 2 if not enum else min(2, len(enum)))
        out = {}
        for i in range(n):
            if enum:
                key = enum[i]
            elif location == "headers":
                key = f"Meta{i}Key{self._text(4)}"  # mixed case: HTTP folds it
            elif location == "querystring":
                key = f"qk{i}{self._text(4)}"
            else:
                key = self._sized_text(shape.key, prefix=f"k{i}")
            value_loc = location if location in ("headers", "querystring") else None
            out[key] = self.value(shape.value, value_loc, depth, stack)
        return out

    def scalar(self, shape: Shape, location: str | None) -> Any:
        t = shape.type_name
        meta = shape.metadata
        if t == "string":
            if shape.enum:
                return self.rng.choice(shape.enum)
            if shape.serialization.get("jsonvalue"):
                return {"policy": self._text(6), "count": 3, "flags": [True, False]}
            text = self._sized_text(shape)
            markup = _MARKUP.get(location)
            if location == "header-item" and self.output:
                markup = None  # botocore's parser splits response header lists on every comma
            hi = int(shape.metadata.get("max", 64))
            if markup and len(text) + len(markup) <= hi and self.rng.random() < 0.5:
                text += markup
            return text
        if t in ("integer", "long", "short", "byte"):
            lo = int(meta.get("min", 1))
            hi = int(meta.get("max", 1000))
            return max(lo, min(hi, self.rng.randint(1, 1000)))
        if t in ("float", "double"):
            lo = float(meta.get("min", 0.5))
            hi = float(meta.get("max", 1000.0))
            return max(lo, min(hi, self.rng.choice([0.5, 1.25, 2.75, 10.5])))
        if t == "boolean":
            return self.rng.choice([True, False])
        if t == "timestamp":
            seconds = self.rng.randint(0, 10**7)
            ms = self.rng.randint(1, 999) if self.output and location is None else 0
            return _EPOCH + dt.timedelta(seconds=seconds, milliseconds=ms)
        if t == "blob":
            return ("blob-" + self._text(10)).encode()
        return self._text(8)

    def _sized_text(self, shape: Shape, prefix: str = "") -> str:
        lo = int(shape.metadata.get("min", 1) or 1)
        hi = int(shape.metadata.get("max", 24))
        n = max(lo, min(hi, 12))
        text = (prefix + self._text(n))[:n]
        return text + self._text(n - len(text))

    def _text(self, n: int) -> str:
        return "".join(self.rng.choice(_ALNUM) for _ in range(n))


def normalize(shape: Shape | None, value: Any, location: str | None = None) -> Any:
    """A comparable form: UTC epoch for times, bytes for blobs and streams, lower-case header maps."""
    if value is None or shape is None:
        return value
    t = shape.type_name
    if t == "structure":
        if shape.is_document_type or not isinstance(value, dict):
            return value
        out = {}
        for name, v in value.items():
            member = shape.members.get(name)
            if member is None:
                out[name] = ("<unmodelled>", repr(v))
                continue
            out[name] = normalize(member, v, member.serialization.get("location"))
        return out
    if t == "list":
        return [normalize(shape.member, v) for v in value] if isinstance(value, list) else value
    if t == "map":
        if not isinstance(value, dict):
            return value
        fold = str.lower if location == "headers" else str
        return {fold(k): normalize(shape.value, v) for k, v in value.items()}
    if t == "timestamp":
        if isinstance(value, dt.datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            return round(aware.timestamp(), 3)
        return ("<not a datetime>", value)
    if t == "blob":
        if hasattr(value, "read"):
            value = value.read()
        if isinstance(value, str):
            value = value.encode()
        return bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else value
    if t in ("float", "double") and isinstance(value, (int, float)):
        return round(float(value), 6)
    if t == "string" and hasattr(value, "read"):
        value = value.read()
    if t == "string" and isinstance(value, bytes):
        return value.decode()
    return value


def first_difference(
    expected: Any, actual: Any, path: str = "", *, empty_may_vanish: bool = False
) -> str | None:
    """Where two normalised values first differ, as a short readable line.

    With `empty_may_vanish`, an expected empty list or map may be absent: flattened XML,
    query maps, header maps and query-string lists have no way to send an empty one.
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in actual and empty_may_vanish and expected[key] in ([], {}):
                continue
            if key not in actual:
                return f"{path}.{key}: missing (expected {expected[key]!r:.80})"
            if key not in expected:
                return f"{path}.{key}: unexpected {actual[key]!r:.80}"
            diff = first_difference(
                expected[key], actual[key], f"{path}.{key}", empty_may_vanish=empty_may_vanish
            )
            if diff:
                return diff
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: {len(expected)} items expected, got {len(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            diff = first_difference(e, a, f"{path}[{i}]", empty_may_vanish=empty_may_vanish)
            if diff:
                return diff
        return None
    if expected != actual:
        return f"{path}: expected {expected!r:.80}, got {actual!r:.80}"
    return None
