"""Making a new object version current, and removing versions, under each versioning state."""

from __future__ import annotations

from typing import Any

from ...store import keys
from . import records
from .base import S3Base


def versioning_status(bucket: dict[str, Any]) -> str | None:
    return (bucket.get("Versioning") or {}).get("Status")


class VersionStore(S3Base):
    """Every write and delete of an object goes through these; call them inside a transaction."""

    def current(self, bucket: str, key: str) -> dict[str, Any] | None:
        return self.store.get(records.OBJECTS, records.object_key(bucket, key))

    def find_version(self, bucket: str, key: str, version_id: str) -> dict[str, Any] | None:
        if version_id == records.NULL_VERSION:
            for _, v in self.store.scan(records.VERSIONS, *keys.prefix_range(bucket, key)):
                if v["VersionId"] == records.NULL_VERSION:
                    return v
            return None
        if not records.order_is_version_id(version_id):
            return None
        return self.store.get(records.VERSIONS, records.version_key(bucket, key, version_id))

    def commit_version(
        self, bucket: dict[str, Any], key: str, record: dict[str, Any]
    ) -> dict[str, Any]:
        """Make `record` (an object or a delete marker) the newest version of `key`."""
        name = bucket["Name"]
        status = versioning_status(bucket)
        order = self.orders.next()
        if status == "Enabled":
            record["VersionId"] = order
        else:
            record["VersionId"] = records.NULL_VERSION
            self._drop_null_version(name, key, unversioned=status is None)
        record["Key"] = key
        record["Order"] = order
        self.store.put(records.VERSIONS, records.version_key(name, key, order), record)
        for blob_id in records.blob_ids(record):
            self.store.attach_blob(blob_id)
        if record.get("DeleteMarker"):
            self.store.delete(records.OBJECTS, records.object_key(name, key))
        else:
            self.store.put(records.OBJECTS, records.object_key(name, key), record)
        return record

    def delete_version(self, bucket: str, version: dict[str, Any]) -> None:
        """Permanently remove one version; the next newest (if an object) becomes current."""
        key = version["Key"]
        self.store.delete(records.VERSIONS, records.version_key(bucket, key, version["Order"]))
        for blob_id in records.blob_ids(version):
            self.store.release_blob(blob_id)
        newest = next(
            iter(self.store.scan(records.VERSIONS, *keys.prefix_range(bucket, key), limit=1)), None
        )
        if newest is None or newest[1].get("DeleteMarker"):
            self.store.delete(records.OBJECTS, records.object_key(bucket, key))
        else:
            self.store.put(records.OBJECTS, records.object_key(bucket, key), newest[1])

    def _drop_null_version(self, bucket: str, key: str, unversioned: bool) -> None:
        if unversioned:
            # A never-versioned bucket holds at most one version: the current one.
            cur = self.current(bucket, key)
            old = cur if cur is not None and cur["VersionId"] == records.NULL_VERSION else None
        else:
            old = self.find_version(bucket, key, records.NULL_VERSION)
        if old is None:
            return
        self.store.delete(records.VERSIONS, records.version_key(bucket, key, old["Order"]))
        for blob_id in records.blob_ids(old):
            self.store.release_blob(blob_id)
