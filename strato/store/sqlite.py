"""The embedded store: SQLite in WAL mode for records, a blob directory for bytes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .base import BlobInfo
from .blobs import FileBlobStore

# Blobs up to this size live in the database: one commit instead of a file per write.
INLINE_MAX = 64 << 10
_INLINE = "i"
# Keys per `IN (...)` query: well under SQLite's oldest bound-parameter limit (999).
_IN_CHUNK = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    ns TEXT NOT NULL,
    k BLOB NOT NULL,
    v TEXT NOT NULL,
    PRIMARY KEY (ns, k)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blob_refs (
    id TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inline_blobs (
    id TEXT PRIMARY KEY,
    data BLOB NOT NULL
) WITHOUT ROWID;
"""

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_loads = json.loads


class SqliteStore:
    """One connection guarded by a lock; writes outside a transaction commit at once."""

    def __init__(self, state_dir: str) -> None:
        os.makedirs(state_dir, exist_ok=True)
        self.state_dir = state_dir
        self._db = sqlite3.connect(
            os.path.join(state_dir, "strato.db"),
            isolation_level=None,
            check_same_thread=False,
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL survives a process crash (kill -9); only power loss can drop the last commits.
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Debian's SQLite zeroes every freed page (secure_delete=1): extra writes on every
        # delete that protect nothing here. A 64 MiB page cache keeps hot tables in memory.
        self._db.execute("PRAGMA secure_delete=OFF")
        self._db.execute("PRAGMA cache_size=-65536")
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._depth = 0
        self._released: list[str] = []
        self.files = FileBlobStore(os.path.join(state_dir, "blobs"))
        self.blobs = _Blobs(self)
        self._pending_inline: dict[str, bytes] = {}
        self._collect_orphan_blobs()

    # -- records ---------------------------------------------------------
    def get(self, ns: str, key: bytes) -> Any | None:
        with self._lock:
            row = self._db.execute("SELECT v FROM kv WHERE ns=? AND k=?", (ns, key)).fetchone()
        return None if row is None else _loads(row[0])

    def get_many(self, ns: str, keys: Sequence[bytes]) -> list[Any | None]:
        found: dict[bytes, str] = {}
        with self._lock:
            for i in range(0, len(keys), _IN_CHUNK):
                chunk = keys[i : i + _IN_CHUNK]
                sql = f"SELECT k, v FROM kv WHERE ns=? AND k IN ({','.join('?' * len(chunk))})"
                found.update(self._db.execute(sql, (ns, *chunk)).fetchall())
        return [None if (v := found.get(bytes(k))) is None else _loads(v) for k in keys]

    def put(self, ns: str, key: bytes, value: Any) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO kv (ns, k, v) VALUES (?, ?, ?)", (ns, key, _dumps(value))
            )

    def delete(self, ns: str, key: bytes) -> bool:
        with self._lock:
            cur = self._db.execute("DELETE FROM kv WHERE ns=? AND k=?", (ns, key))
        return cur.rowcount > 0

    def scan(
        self,
        ns: str,
        lo: bytes = b"",
        hi: bytes | None = None,
        *,
        reverse: bool = False,
        limit: int | None = None,
    ) -> Iterator[tuple[bytes, Any]]:
        sql = "SELECT k, v FROM kv WHERE ns=? AND k>=?"
        args: list[Any] = [ns, lo]
        if hi is not None:
            sql += " AND k<?"
            args.append(hi)
        sql += " ORDER BY k DESC" if reverse else " ORDER BY k"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        for k, v in rows:
            yield k, _loads(v)

    def count(self, ns: str, lo: bytes = b"", hi: bytes | None = None) -> int:
        sql = "SELECT count(*) FROM kv WHERE ns=? AND k>=?"
        args: list[Any] = [ns, lo]
        if hi is not None:
            sql += " AND k<?"
            args.append(hi)
        with self._lock:
            return self._db.execute(sql, args).fetchone()[0]

    # -- transactions and blobs -----------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[SqliteStore]:
        """All writes inside commit together or not at all; nested use joins the outer one."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._db.execute("BEGIN IMMEDIATE")
                self._released = []
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                    self._released = []
                raise
            self._depth -= 1
            if outer:
                self._db.execute("COMMIT")
                released, self._released = self._released, []
                for blob_id in released:
                    self.files.remove(blob_id)

    def attach_blob(self, blob_id: str) -> None:
        with self._lock:
            if blob_id.startswith(_INLINE):
                data = self._pending_inline.pop(blob_id, None)
                if data is not None:
                    self._db.execute(
                        "INSERT OR REPLACE INTO inline_blobs (id, data) VALUES (?, ?)",
                        (blob_id, data),
                    )
                return
            self._db.execute("INSERT OR IGNORE INTO blob_refs (id) VALUES (?)", (blob_id,))

    def release_blob(self, blob_id: str) -> None:
        with self._lock:
            if blob_id.startswith(_INLINE):
                self._db.execute("DELETE FROM inline_blobs WHERE id=?", (blob_id,))
                return
            self._db.execute("DELETE FROM blob_refs WHERE id=?", (blob_id,))
            if self._depth:
                self._released.append(blob_id)
            else:
                self.files.remove(blob_id)

    def discard_blob(self, blob_id: str) -> None:
        """Remove a blob that was written but never attached (e.g. a failed precondition)."""
        if blob_id.startswith(_INLINE):
            self._pending_inline.pop(blob_id, None)
        else:
            self.files.remove(blob_id)

    def _write_inline(self, data: bytes, hashers: list | None) -> BlobInfo:
        blob_id = _INLINE + uuid.uuid4().hex
        for h in hashers or ():
            h.update(data)
        self._pending_inline[blob_id] = data
        return BlobInfo(blob_id, len(data), hashlib.md5(data).hexdigest())

    def _read_inline(self, blob_id: str) -> bytes:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM inline_blobs WHERE id=?", (blob_id,)
            ).fetchone()
        if row is None:
            raise FileNotFoundError(f"no blob {blob_id}")
        return row[0]

    def _collect_orphan_blobs(self) -> None:
        # A crash between writing a blob file and committing its record leaves it unreferenced.
        self.files.clear_tmp()
        referenced = {r[0] for r in self._db.execute("SELECT id FROM blob_refs")}
        for blob_id in list(self.files.all_ids()):
            if blob_id not in referenced:
                self.files.remove(blob_id)

    def scratch_dir(self, name: str) -> str:
        """A directory for data derived from the store (unpacked code, caches): safe to delete."""
        path = os.path.join(self.state_dir, "scratch", name)
        os.makedirs(path, exist_ok=True)
        return path

    def close(self) -> None:
        with self._lock:
            self._db.close()


class _Blobs:
    """The store's blob interface: small blobs inline in the database, larger ones as files."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        self._files = store.files

    def write(self, data, hashers: list | None = None) -> BlobInfo:
        if isinstance(data, (bytes, bytearray, memoryview)) and len(data) <= INLINE_MAX:
            return self._store._write_inline(bytes(data), hashers)
        return self._files.write(data, hashers)

    def open(self, blob_id: str):
        if blob_id.startswith(_INLINE):
            return io.BytesIO(self._store._read_inline(blob_id))
        return self._files.open(blob_id)

    def path(self, blob_id: str) -> str:
        return self._files.path(blob_id)

    def temp_file(self):
        return self._files.temp_file()
