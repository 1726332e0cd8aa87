"""State shared by every group of S3 operations: the store, the clock and bucket look-ups."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from ...store import keys
from . import records
from .errors import no_such_bucket


class S3Base:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.store = platform.store
        self.clock = platform.clock
        self.orders = records.VersionOrder(platform.clock.now)

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def bucket(self, name: str, ctx: RequestContext | None = None) -> dict[str, Any]:
        """The bucket record, or NoSuchBucket."""
        record = self.store.get(records.BUCKETS, records.bucket_key(name))
        if record is None:
            raise no_such_bucket(name)
        return record

    def save_bucket(self, record: dict[str, Any]) -> None:
        self.store.put(records.BUCKETS, records.bucket_key(record["Name"]), record)

    def update_bucket(self, name: str, **changes: Any) -> dict[str, Any]:
        with self.store.transaction():
            record = self.bucket(name)
            for k, v in changes.items():
                if v is None:
                    record.pop(k, None)
                else:
                    record[k] = v
            self.save_bucket(record)
        return record

    def _drop_upload(self, bucket: str, upload_id: str) -> None:
        lo, hi = keys.prefix_range(bucket, upload_id)
        for raw, part in list(self.store.scan(records.PARTS, lo, hi)):
            self.store.release_blob(part["Blob"])
            self.store.delete(records.PARTS, raw)
        self.store.delete(records.UPLOADS, keys.pack(bucket, upload_id))
