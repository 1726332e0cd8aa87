"""The store interface every provider uses: ordered key/value namespaces, transactions, blobs.

Values are JSON-compatible (dicts, lists, str, int, float, bool, None). Keys are
bytes made by `store.keys.pack`. A backend (SQLite now, PostgreSQL later)
implements `Store`; nothing else in Strato opens a database or writes state.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol


class KeyValue(Protocol):
    def get(self, ns: str, key: bytes) -> Any | None: ...

    def get_many(self, ns: str, keys: Sequence[bytes]) -> list[Any | None]:
        """The value of each key, in the order given (None where there is none)."""
        ...

    def put(self, ns: str, key: bytes, value: Any) -> None: ...

    def delete(self, ns: str, key: bytes) -> bool: ...

    def scan(
        self,
        ns: str,
        lo: bytes = b"",
        hi: bytes | None = None,
        *,
        reverse: bool = False,
        limit: int | None = None,
    ) -> Iterator[tuple[bytes, Any]]:
        """Yield (key, value) with lo <= key < hi in key order (or reverse)."""
        ...

    def count(self, ns: str, lo: bytes = b"", hi: bytes | None = None) -> int: ...


class Transaction(KeyValue, Protocol):
    def attach_blob(self, blob_id: str) -> None:
        """Make a written blob durable together with this transaction."""
        ...

    def release_blob(self, blob_id: str) -> None:
        """Drop a blob once this transaction commits."""
        ...


@dataclass(frozen=True)
class BlobInfo:
    id: str
    size: int
    md5_hex: str


class BlobStore(Protocol):
    def write(self, data: bytes | BinaryIO, hashers: list | None = None) -> BlobInfo:
        """Write a new blob; it is garbage unless a transaction attaches it."""
        ...

    def open(self, blob_id: str) -> BinaryIO: ...

    def path(self, blob_id: str) -> str: ...

    def temp_file(self) -> BinaryIO:
        """A scratch file on the blob volume (for spooling large request bodies)."""
        ...


class Store(KeyValue, Protocol):
    blobs: BlobStore

    def transaction(self) -> AbstractContextManager[Transaction]: ...

    def scratch_dir(self, name: str) -> str:
        """A directory for data derived from the store (unpacked code, caches): safe to delete."""
        ...

    def close(self) -> None: ...
