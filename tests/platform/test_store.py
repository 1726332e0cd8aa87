"""The store interface: key ordering, transactions, blob lifecycle across a reopen."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strato.store import INLINE_MAX, SqliteStore, keys

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(st.lists(st.tuples(texts, texts), min_size=2, max_size=20))
def test_packed_keys_sort_like_utf8_tuples(pairs):
    by_bytes = sorted(pairs, key=lambda t: keys.pack(*t))
    by_tuple = sorted(pairs, key=lambda t: (t[0].encode(), t[1].encode()))
    assert by_bytes == by_tuple


@given(texts, texts)
def test_pack_unpack_roundtrip(a, b):
    assert keys.unpack(keys.pack(a, b)) == (a, b)


@given(texts, texts, texts)
def test_prefix_range_holds_exactly_the_keys_with_that_prefix(bucket, prefix, key):
    lo, hi = keys.prefix_range(bucket, partial=prefix)
    inside = lo <= keys.pack(bucket, key) < hi
    assert inside == key.startswith(prefix)


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(str(tmp_path / "state"))
    yield s
    s.close()


def test_scan_order_limits_and_reverse(store):
    for k in ["b", "a", "c", "a\x00z"]:
        store.put("ns", keys.pack("t", k), {"k": k})
    lo, hi = keys.prefix_range("t")
    assert [v["k"] for _, v in store.scan("ns", lo, hi)] == ["a", "a\x00z", "b", "c"]
    assert [v["k"] for _, v in store.scan("ns", lo, hi, reverse=True, limit=2)] == ["c", "b"]
    assert store.count("ns", lo, hi) == 4


def test_failed_transaction_leaves_nothing(store):
    store.put("ns", b"k", {"v": 1})
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.put("ns", b"k", {"v": 2})
            store.put("ns", b"other", {"v": 3})
            raise RuntimeError("boom")
    assert store.get("ns", b"k") == {"v": 1}
    assert store.get("ns", b"other") is None


BIG = b"x" * (INLINE_MAX + 1)


def test_blobs_not_attached_are_collected_on_reopen(tmp_path):
    state = str(tmp_path / "state")
    s = SqliteStore(state)
    kept = s.blobs.write(BIG + b"kept")
    lost = s.blobs.write(BIG + b"never committed")
    with s.transaction():
        s.put("ns", b"k", {"blob": kept.id})
        s.attach_blob(kept.id)
    released = s.blobs.write(BIG + b"released")
    with s.transaction():
        s.attach_blob(released.id)
    with s.transaction():
        s.release_blob(released.id)
    assert not os.path.exists(s.blobs.path(released.id))
    s.close()
    s = SqliteStore(state)
    assert os.path.exists(s.blobs.path(kept.id))
    assert not os.path.exists(s.blobs.path(lost.id))
    with s.blobs.open(kept.id) as f:
        assert f.read() == BIG + b"kept"
    s.close()


@pytest.mark.parametrize("data", [b"small", BIG], ids=["inline", "file"])
def test_release_inside_a_rolled_back_transaction_keeps_the_blob(store, data):
    blob = store.blobs.write(data)
    with store.transaction():
        store.attach_blob(blob.id)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.release_blob(blob.id)
            raise RuntimeError("boom")
    with store.blobs.open(blob.id) as f:
        assert f.read() == data


def test_inline_blob_lives_and_dies_with_its_transaction(store):
    blob = store.blobs.write(b"tiny", [])
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.attach_blob(blob.id)
            raise RuntimeError("boom")
    with pytest.raises(FileNotFoundError):
        store.blobs.open(blob.id)
    blob = store.blobs.write(b"tiny")
    with store.transaction():
        store.attach_blob(blob.id)
    assert store.blobs.open(blob.id).read() == b"tiny"
    with store.transaction():
        store.release_blob(blob.id)
    with pytest.raises(FileNotFoundError):
        store.blobs.open(blob.id)
