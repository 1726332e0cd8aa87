"""CBOR (RFC 8949) encoding and decoding: the subset AWS's rpc-v2-cbor protocol uses, read in full.

Written here rather than taken from `cbor2`: the protocol needs about 150 lines of it, and
owning them lets the decoder reject what Smithy forbids (depth bombs, stray breaks, huge
lengths) with one error type the protocol layer turns into `SerializationException`.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from typing import Any

UTC = dt.UTC
_MAX_DEPTH = 64
_BREAK = object()  # the 0xff that ends an indefinite-length item


class CBORError(ValueError):
    """Bytes that are not one well-formed CBOR data item."""


# -- encoding --------------------------------------------------------------------------------


def encode(value: Any) -> bytes:
    """One data item. datetimes become tag 1 (epoch seconds), as Smithy requires for timestamps."""
    out = bytearray()
    _encode(out, value)
    return bytes(out)


def _head(out: bytearray, major: int, n: int) -> None:
    m = major << 5
    if n < 24:
        out.append(m | n)
    elif n < 0x100:
        out += bytes((m | 24, n))
    elif n < 0x10000:
        out.append(m | 25)
        out += n.to_bytes(2, "big")
    elif n < 0x100000000:
        out.append(m | 26)
        out += n.to_bytes(4, "big")
    else:
        out.append(m | 27)
        out += n.to_bytes(8, "big")


def _encode(out: bytearray, v: Any) -> None:
    if v is None:
        out.append(0xF6)
    elif v is True:
        out.append(0xF5)
    elif v is False:
        out.append(0xF4)
    elif isinstance(v, str):
        raw = v.encode()
        _head(out, 3, len(raw))
        out += raw
    elif isinstance(v, int):
        _encode_int(out, v)
    elif isinstance(v, float):
        _encode_float(out, v)
    elif isinstance(v, dict):
        _head(out, 5, len(v))
        for k, item in v.items():
            _encode(out, k)
            _encode(out, item)
    elif isinstance(v, (list, tuple)):
        _head(out, 4, len(v))
        for item in v:
            _encode(out, item)
    elif isinstance(v, (bytes, bytearray, memoryview)):
        raw = bytes(v)
        _head(out, 2, len(raw))
        out += raw
    elif isinstance(v, dt.datetime):
        out.append(0xC1)  # tag 1: epoch-based date/time
        aware = v if v.tzinfo else v.replace(tzinfo=UTC)
        ts = aware.timestamp()
        _encode(out, int(ts) if ts == int(ts) else ts)
    else:
        raise TypeError(f"cannot encode {type(v).__name__} as CBOR")


def _encode_int(out: bytearray, v: int) -> None:
    major, n = (0, v) if v >= 0 else (1, -1 - v)
    if n < 1 << 64:
        _head(out, major, n)
        return
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")  # bignum, tags 2 and 3
    out.append(0xC2 if major == 0 else 0xC3)
    _head(out, 2, len(raw))
    out += raw


def _encode_float(out: bytearray, v: float) -> None:
    if math.isnan(v):
        out += b"\xf9\x7e\x00"
    elif math.isinf(v):
        out += b"\xf9\x7c\x00" if v > 0 else b"\xf9\xfc\x00"
    else:
        out.append(0xFB)
        out += struct.pack(">d", v)


# -- decoding --------------------------------------------------------------------------------


def decode(data: bytes | bytearray | memoryview) -> Any:
    """The single data item `data` holds; trailing bytes are an error."""
    reader = _Reader(bytes(data))
    value = reader.item(0)
    if value is _BREAK:
        raise CBORError("unexpected break code")
    if reader.pos != len(reader.data):
        raise CBORError(f"{len(reader.data) - reader.pos} trailing bytes after the data item")
    return value


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise CBORError("unexpected end of data")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def argument(self, info: int) -> int:
        if info < 24:
            return info
        if info == 24:
            return self.take(1)[0]
        if info == 25:
            return int.from_bytes(self.take(2), "big")
        if info == 26:
            return int.from_bytes(self.take(4), "big")
        if info == 27:
            return int.from_bytes(self.take(8), "big")
        raise CBORError(f"reserved additional information {info}")

    def item(self, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise CBORError("data nested too deeply")
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 0:
            return self.argument(info)
        if major == 1:
            return -1 - self.argument(info)
        if major in (2, 3):
            raw = self._string(major, info)
            if major == 2:
                return raw
            try:
                return raw.decode()
            except UnicodeDecodeError as e:
                raise CBORError("text string is not valid UTF-8") from e
        if major == 4:
            return self._array(info, depth)
        if major == 5:
            return self._map(info, depth)
        if major == 6:
            return self._tag(info, depth)
        return self._simple(info)

    def _length(self, info: int) -> int:
        n = self.argument(info)
        if n > len(self.data) - self.pos:  # every element takes at least one byte
            raise CBORError("declared length exceeds the data")
        return n

    def _string(self, major: int, info: int) -> bytes:
        if info != 31:
            return self.take(self._length(info))
        chunks = []
        while True:
            initial = self.take(1)[0]
            if initial == 0xFF:
                return b"".join(chunks)
            if initial >> 5 != major or initial & 0x1F == 31:
                raise CBORError("indefinite string chunk of the wrong type")
            chunks.append(self.take(self._length(initial & 0x1F)))

    def _array(self, info: int, depth: int) -> list:
        if info != 31:
            out = []
            for _ in range(self._length(info)):
                value = self.item(depth + 1)
                if value is _BREAK:
                    raise CBORError("unexpected break code")
                out.append(value)
            return out
        out = []
        while (value := self.item(depth + 1)) is not _BREAK:
            out.append(value)
        return out

    def _map(self, info: int, depth: int) -> dict:
        out: dict = {}
        count = self._length(info) if info != 31 else -1
        while count != 0:
            key = self.item(depth + 1)
            if key is _BREAK and count < 0:
                return out
            value = self.item(depth + 1)
            if key is _BREAK or value is _BREAK:
                raise CBORError("unexpected break code")
            try:
                out[key] = value
            except TypeError as e:
                raise CBORError(f"map key of type {type(key).__name__}") from e
            count -= 1
        return out

    def _tag(self, info: int, depth: int) -> Any:
        tag = self.argument(info)
        value = self.item(depth + 1)
        if value is _BREAK:
            raise CBORError("unexpected break code")
        if tag == 1:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise CBORError("tag 1 must hold a number of seconds")
            try:
                return dt.datetime.fromtimestamp(value, UTC)
            except (OverflowError, OSError, ValueError) as e:
                raise CBORError(f"timestamp {value} is out of range") from e
        if tag in (2, 3) and isinstance(value, bytes):
            n = int.from_bytes(value, "big")
            return n if tag == 2 else -1 - n
        return value  # other tags carry no meaning for AWS shapes

    def _simple(self, info: int) -> Any:
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):
            return None
        if info == 25:
            return struct.unpack(">e", self.take(2))[0]
        if info == 26:
            return struct.unpack(">f", self.take(4))[0]
        if info == 27:
            return struct.unpack(">d", self.take(8))[0]
        if info == 31:
            return _BREAK
        raise CBORError(f"unsupported simple value {info}")
