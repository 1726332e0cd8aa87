"""CBOR encoder and decoder: RFC 8949 Appendix A vectors, botocore interop, and properties."""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest
from botocore.parsers import RpcV2CBORParser
from botocore.serialize import RpcV2CBORSerializer
from hypothesis import given
from hypothesis import strategies as st

from strato.protocol import cbor
from strato.protocol.cbor import CBORError

# (hex, value) from RFC 8949 Appendix A
DECODE_VECTORS = [
    ("00", 0),
    ("17", 23),
    ("1818", 24),
    ("1903e8", 1000),
    ("1a000f4240", 1000000),
    ("1b000000e8d4a51000", 1000000000000),
    ("1bffffffffffffffff", 18446744073709551615),
    ("c249010000000000000000", 18446744073709551616),
    ("3bffffffffffffffff", -18446744073709551616),
    ("20", -1),
    ("3863", -100),
    ("f90000", 0.0),
    ("f93c00", 1.0),
    ("fb3ff199999999999a", 1.1),
    ("f93e00", 1.5),
    ("f97bff", 65504.0),
    ("fa47c35000", 100000.0),
    ("fb7e37e43c8800759c", 1.0e300),
    ("f9c400", -4.0),
    ("f97c00", math.inf),
    ("f9fc00", -math.inf),
    ("f4", False),
    ("f5", True),
    ("f6", None),
    ("f7", None),
    ("c11a514b67b0", dt.datetime(2013, 3, 21, 20, 4, tzinfo=dt.UTC)),
    ("c1fb41d452d9ec200000", dt.datetime(2013, 3, 21, 20, 4, 0, 500000, tzinfo=dt.UTC)),
    ("40", b""),
    ("4401020304", b"\x01\x02\x03\x04"),
    ("60", ""),
    ("6161", "a"),
    ("6449455446", "IETF"),
    ("62c3bc", "\u00fc"),
    ("64f0908591", "\U00010151"),
    ("80", []),
    ("83010203", [1, 2, 3]),
    ("8301820203820405", [1, [2, 3], [4, 5]]),
    ("a0", {}),
    ("a201020304", {1: 2, 3: 4}),
    ("a26161016162820203", {"a": 1, "b": [2, 3]}),
    ("5f42010243030405ff", b"\x01\x02\x03\x04\x05"),
    ("7f657374726561646d696e67ff", "streaming"),
    ("9fff", []),
    ("9f018202039f0405ffff", [1, [2, 3], [4, 5]]),
    ("83018202039f0405ff", [1, [2, 3], [4, 5]]),
    ("bf61610161629f0203ffff", {"a": 1, "b": [2, 3]}),
    ("bf6346756ef563416d7421ff", {"Fun": True, "Amt": -2}),
    ("d82076687474703a2f2f7777772e6578616d706c652e636f6d", "http://www.example.com"),
]


@pytest.mark.parametrize("hexed, value", DECODE_VECTORS)
def test_rfc_vectors_decode(hexed, value):
    assert cbor.decode(bytes.fromhex(hexed)) == value


def test_nan_decodes():
    assert math.isnan(cbor.decode(bytes.fromhex("f97e00")))


@pytest.mark.parametrize(
    "value, hexed",
    [
        (0, "00"),
        (24, "1818"),
        (-100, "3863"),
        (18446744073709551616, "c249010000000000000000"),
        (1.1, "fb3ff199999999999a"),
        (math.inf, "f97c00"),
        ("IETF", "6449455446"),
        (b"\x01\x02\x03\x04", "4401020304"),
        ([1, [2, 3], [4, 5]], "8301820203820405"),
        ({"a": 1, "b": [2, 3]}, "a26161016162820203"),
        (dt.datetime(2013, 3, 21, 20, 4, tzinfo=dt.UTC), "c11a514b67b0"),
        (None, "f6"),
        (True, "f5"),
    ],
)
def test_encodes_as_rfc(value, hexed):
    assert cbor.encode(value).hex() == hexed


@pytest.mark.parametrize(
    "hexed",
    [
        "",  # no item
        "18",  # missing argument byte
        "62c3",  # string shorter than declared
        "ff",  # a lone break
        "9f01",  # indefinite array without its break
        "a1 01".replace(" ", ""),  # map with a key and no value
        "1c",  # reserved additional information
        "0000",  # trailing bytes
        "5f6161ff",  # text chunk inside a byte string
        "62c328",  # invalid UTF-8
        "c16161",  # tag 1 holding text
        "f818",  # simple value 24
        "9b" + "ff" * 8,  # a huge declared length
    ],
)
def test_malformed_input_raises(hexed):
    with pytest.raises(CBORError):
        cbor.decode(bytes.fromhex(hexed))


def test_nesting_limit():
    with pytest.raises(CBORError):
        cbor.decode(b"\x81" * 1000 + b"\x00")


def _documents(int_bound: int):
    return st.recursive(
        st.none()
        | st.booleans()
        | st.integers(min_value=-int_bound, max_value=int_bound)
        | st.floats(allow_nan=False)
        | st.text()
        | st.binary(),
        lambda children: (
            st.lists(children, max_size=5)
            | st.dictionaries(st.text(max_size=8), children, max_size=5)
        ),
        max_leaves=30,
    )


json_like = _documents(2**70)  # bignums too
aws_like = _documents(2**64 - 1)  # botocore reads no bignum tags; AWS shapes never need them


@given(json_like)
def test_round_trip(value):
    assert cbor.decode(cbor.encode(value)) == value


@given(aws_like)
def test_botocore_reads_what_we_write(value):
    parser = RpcV2CBORParser()
    stream = io.BufferedReader(io.BytesIO(cbor.encode(value)))
    got = parser.parse_data_item(stream)
    assert got == _without_null_members(value)


def _without_null_members(value):
    """botocore's CBOR reader drops map entries whose value is null."""
    if isinstance(value, dict):
        return {k: _without_null_members(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_null_members(v) for v in value]
    return value


def test_we_read_what_botocore_writes():
    serializer = RpcV2CBORSerializer()
    body = bytearray()
    serializer._serialize_type_list(body, [1, 2], type("S", (), {"member": _Int()})(), None)
    assert cbor.decode(bytes(body)) == [1, 2]
    for value in (0, 23, 24, 255, 256, 65535, 65536, 2**32, -1, -25, -(2**40)):
        out = bytearray()
        serializer._serialize_type_integer(out, value, None, None)
        assert cbor.decode(bytes(out)) == value
    for value in (0.5, -1e300, math.inf):
        out = bytearray()
        serializer._serialize_type_double(out, value, None, None)
        assert cbor.decode(bytes(out)) == value
    out = bytearray()
    serializer._serialize_type_timestamp(out, dt.datetime(2024, 3, 5, tzinfo=dt.UTC), None, None)
    assert cbor.decode(bytes(out)) == dt.datetime(2024, 3, 5, tzinfo=dt.UTC)


class _Int:
    type_name = "integer"
