"""Property tests: store keys sort as DynamoDB orders key values, and sort-key ranges select
exactly the values a key condition accepts."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from strato.services.dynamodb.attribute_values import compare, format_number, sort_key_bytes
from strato.services.dynamodb.storage_keys import segment, sort_range

strings = st.text(max_size=6).map(lambda s: {"S": s})
binaries = st.binary(max_size=6).map(lambda b: {"B": b})
numbers = st.decimals(
    min_value=Decimal("-1e20"), max_value=Decimal("1e20"), allow_nan=False, places=4
).map(lambda d: {"N": format_number(d)})
kinds = st.sampled_from([strings, binaries, numbers])


def _key(av) -> bytes:
    return b"P\x00" + segment(sort_key_bytes(av))


@settings(max_examples=300)
@given(kinds.flatmap(lambda kind: st.tuples(kind, kind)))
def test_segments_order_like_values(pair):
    a, b = pair
    expected = compare(a, b)
    got = (_key(a) > _key(b)) - (_key(a) < _key(b))
    assert got == expected


def _accepts(op: str, value, operands) -> bool:
    if op == "begins_with":
        tag = next(iter(value))
        raw, prefix = value[tag], operands[0][tag]
        return (raw.encode() if tag == "S" else raw).startswith(
            prefix.encode() if tag == "S" else prefix
        )
    if op == "BETWEEN":
        return compare(value, operands[0]) >= 0 and compare(value, operands[1]) <= 0
    c = compare(value, operands[0])
    return {"=": c == 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


@settings(max_examples=300)
@given(
    kinds.flatmap(
        lambda kind: st.tuples(
            st.lists(kind, min_size=1, max_size=8),
            kind,
            kind,
            st.sampled_from(["=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"]),
        )
    ),
    st.booleans(),
)
def test_sort_ranges_select_what_conditions_accept(case, as_index_entry):
    values, x, y, op = case
    if op == "begins_with" and "N" in x:
        op = ">="
    operands = [x, y] if op == "BETWEEN" else [x]
    if op == "BETWEEN" and compare(x, y) > 0:
        operands = [y, x]
    partition = b"P\x00" + segment(b"hash")
    lo, hi = sort_range(partition, op, [sort_key_bytes(v) for v in operands])
    # Index entries carry the item's own key after the sort key; ranges must hold for both.
    suffix = segment(b"\x00\xff item") if as_index_entry else b""
    for value in values:
        key = partition + segment(sort_key_bytes(value)) + suffix
        assert (lo <= key < hi) == _accepts(op, value, operands), (op, value, operands)
