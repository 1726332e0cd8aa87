"""How S3 state is laid out in the store: namespaces, keys, version ids and record helpers."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

from ...store import keys

BUCKETS = "s3:buckets"  # (bucket) -> bucket record with its configurations
OBJECTS = "s3:objects"  # (bucket, key) -> the current version (never a delete marker)
VERSIONS = "s3:versions"  # (bucket, key, order) -> every version, newest first per key
UPLOADS = "s3:uploads"  # (bucket, upload id) -> multipart upload
PARTS = "s3:parts"  # (bucket, upload id, part number) -> uploaded part

NULL_VERSION = "null"
_MAX = (1 << 64) - 1


class VersionOrder:
    """Sortable version ids: newer versions sort first; unique within the process, rising across restarts."""

    def __init__(self, now) -> None:
        self._now = now
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            micros = max(int(self._now() * 1_000_000), self._last + 1)
            self._last = micros
        return f"{_MAX - micros:016x}{secrets.token_hex(8)}"


def order_is_version_id(version_id: str) -> bool:
    return len(version_id) == 32 and all(c in "0123456789abcdef" for c in version_id)


def bucket_key(bucket: str) -> bytes:
    return keys.pack(bucket)


def object_key(bucket: str, key: str) -> bytes:
    return keys.pack(bucket, key)


def version_key(bucket: str, key: str, order: str) -> bytes:
    return keys.pack(bucket, key, order)


def part_key(bucket: str, upload_id: str, part_number: int) -> bytes:
    return keys.pack(bucket, upload_id, f"{part_number:05d}")


def canonical_user_id(account_id: str) -> str:
    return hashlib.sha256(f"strato-owner-{account_id}".encode()).hexdigest()


def owner(account_id: str) -> dict[str, str]:
    return {"DisplayName": "strato", "ID": canonical_user_id(account_id)}


def now_ms() -> int:
    return int(time.time() * 1000)


def blob_ids(record: dict) -> list[str]:
    return [seg[0] for seg in record.get("Segments", ())]
