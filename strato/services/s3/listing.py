"""ListObjects, ListObjectsV2 and ListObjectVersions: prefix, delimiter, markers, url encoding."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

from ...auth import RequestContext
from ...protocol import ServiceError
from ...protocol.xml_codec import INTERLEAVE
from ...store import keys
from . import records
from .base import S3Base

_BATCH = 1000


def _encode(value: str | None, url: bool) -> str | None:
    if value is None or not url:
        return value
    return quote_plus(value, safe="/")


def _max_keys(p: dict[str, Any]) -> int:
    n = p.get("MaxKeys")
    if n is None:
        return 1000
    if n < 0:
        raise ServiceError(
            "InvalidArgument",
            "max-keys cannot be negative",
            400,
            ArgumentName="max-keys",
            ArgumentValue=str(n),
        )
    return min(n, 1000)


def _check_encoding(p: dict[str, Any]) -> bool:
    enc = p.get("EncodingType")
    if enc is not None and enc != "url":
        raise ServiceError(
            "InvalidArgument",
            "Invalid Encoding Method specified in Request",
            400,
            ArgumentName="encoding-type",
            ArgumentValue=enc,
        )
    return enc == "url"


class _Walk:
    """Walks one namespace of a bucket in key order, folding keys into common prefixes."""

    def __init__(
        self,
        store,
        ns: str,
        bucket: str,
        prefix: str,
        delimiter: str,
        start: bytes,
        marker: str | None,
    ) -> None:
        self.store = store
        self.ns = ns
        self.bucket = bucket
        self.prefix = prefix
        self.delimiter = delimiter
        self.lo, self.hi = keys.prefix_range(bucket, partial=prefix)
        self.lo = max(self.lo, start)
        self.marker = marker  # common prefixes at or before this are skipped

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        lo = self.lo
        while True:
            rows = list(self.store.scan(self.ns, lo, self.hi, limit=_BATCH))
            if not rows:
                return
            jumped = False
            for _, value in rows:
                key = value["Key"]
                if self.delimiter:
                    i = key.find(self.delimiter, len(self.prefix))
                    if i >= 0:
                        cp = key[: i + len(self.delimiter)]
                        if self.marker is None or cp > self.marker:
                            yield "prefix", cp
                        lo = keys.prefix_range(self.bucket, partial=cp)[1]
                        jumped = True
                        break
                yield "entry", value
            if not jumped:
                if len(rows) < _BATCH:
                    return
                lo = keys.after(rows[-1][0])


def _collect(walk: _Walk, limit: int) -> tuple[list[Any], bool]:
    items: list[Any] = []
    if limit == 0:
        return items, False  # S3 answers max-keys=0 with an empty, untruncated page
    for item in walk:
        if len(items) >= limit:
            return items, True
        items.append(item)
    return items, False


def _object_entry(value: dict[str, Any], url: bool, owner: dict | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "Key": _encode(value["Key"], url),
        "LastModified": value["LastModified"] / 1000,
        "ETag": value["ETag"],
        "Size": value["Size"],
        "StorageClass": value.get("StorageClass", "STANDARD"),
    }
    if value.get("Checksums"):
        entry["ChecksumAlgorithm"] = list(value["Checksums"])
        entry["ChecksumType"] = value.get("ChecksumType", "FULL_OBJECT")
    if owner is not None:
        entry["Owner"] = owner
    return entry


class ListingOperations(S3Base):
    def list_objects_v2(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["Bucket"]
        bucket = self.bucket(name)
        url = _check_encoding(p)
        prefix, delimiter = p.get("Prefix") or "", p.get("Delimiter") or ""
        limit = _max_keys(p)
        token = p.get("ContinuationToken")
        start_after = p.get("StartAfter")
        marker = start_after
        if token:
            marker = _read_token(token)
        start = keys.after(records.object_key(name, marker)) if marker else b""
        walk = _Walk(
            self.store,
            records.OBJECTS,
            name,
            prefix,
            delimiter,
            start,
            marker if delimiter else None,
        )
        items, truncated = _collect(walk, limit)
        owner = records.owner(bucket["Account"]) if p.get("FetchOwner") else None
        contents = [_object_entry(v, url, owner) for kind, v in items if kind == "entry"]
        prefixes = [{"Prefix": _encode(v, url)} for kind, v in items if kind == "prefix"]
        out: dict[str, Any] = {
            "Name": name,
            "Prefix": _encode(prefix, url),
            "MaxKeys": limit,
            "KeyCount": len(items),
            "IsTruncated": truncated,
        }
        if contents:
            out["Contents"] = contents
        if prefixes:
            out["CommonPrefixes"] = prefixes
        if delimiter:
            out["Delimiter"] = _encode(delimiter, url)
        if url:
            out["EncodingType"] = "url"
        if token:
            out["ContinuationToken"] = token
        if start_after:
            out["StartAfter"] = _encode(start_after, url)
        if truncated:
            kind, last = items[-1]
            out["NextContinuationToken"] = _make_token(last if kind == "prefix" else last["Key"])
        return out

    def list_objects(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["Bucket"]
        bucket = self.bucket(name)
        url = _check_encoding(p)
        prefix, delimiter = p.get("Prefix") or "", p.get("Delimiter") or ""
        limit = _max_keys(p)
        marker = p.get("Marker") or ""
        start = keys.after(records.object_key(name, marker)) if marker else b""
        walk = _Walk(self.store, records.OBJECTS, name, prefix, delimiter, start, marker or None)
        items, truncated = _collect(walk, limit)
        owner = records.owner(bucket["Account"])
        out: dict[str, Any] = {
            "Name": name,
            "Prefix": _encode(prefix, url),
            "Marker": _encode(marker, url),
            "MaxKeys": limit,
            "IsTruncated": truncated,
        }
        contents = [_object_entry(v, url, owner) for kind, v in items if kind == "entry"]
        prefixes = [{"Prefix": _encode(v, url)} for kind, v in items if kind == "prefix"]
        if contents:
            out["Contents"] = contents
        if prefixes:
            out["CommonPrefixes"] = prefixes
        if delimiter:
            out["Delimiter"] = _encode(delimiter, url)
            if truncated:
                kind, last = items[-1]
                out["NextMarker"] = _encode(last if kind == "prefix" else last["Key"], url)
        if url:
            out["EncodingType"] = "url"
        return out

    def list_object_versions(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["Bucket"]
        bucket = self.bucket(name)
        url = _check_encoding(p)
        prefix, delimiter = p.get("Prefix") or "", p.get("Delimiter") or ""
        limit = _max_keys(p)
        key_marker = p.get("KeyMarker") or ""
        version_marker = p.get("VersionIdMarker") or ""
        if version_marker and not key_marker:
            raise ServiceError(
                "InvalidArgument",
                "A version-id marker cannot be specified without a key marker.",
                400,
                ArgumentName="version-id-marker",
                ArgumentValue=version_marker,
            )
        start = b""
        previous_key = None
        if key_marker:
            start = keys.prefix_range(name, key_marker)[1]
            if version_marker:
                marker_version = self._version_for_marker(name, key_marker, version_marker)
                start = keys.after(records.version_key(name, key_marker, marker_version["Order"]))
                previous_key = key_marker
        walk = _Walk(
            self.store, records.VERSIONS, name, prefix, delimiter, start, key_marker or None
        )
        items, truncated = _collect(walk, limit)
        versions: list[dict[str, Any]] = []
        markers: list[dict[str, Any]] = []
        prefixes: list[dict[str, Any]] = []
        sequence: list[str] = []  # S3 writes versions and delete markers in one listing order
        owner = records.owner(bucket["Account"])
        for kind, v in items:
            if kind == "prefix":
                prefixes.append({"Prefix": _encode(v, url)})
                previous_key = None
                continue
            latest = v["Key"] != previous_key
            previous_key = v["Key"]
            base = {
                "Key": _encode(v["Key"], url),
                "VersionId": v["VersionId"],
                "IsLatest": latest,
                "LastModified": v["LastModified"] / 1000,
                "Owner": owner,
            }
            if v.get("DeleteMarker"):
                markers.append(base)
                sequence.append("DeleteMarkers")
            else:
                entry = _object_entry(v, url, owner)
                entry.update(base)
                versions.append(entry)
                sequence.append("Versions")
        out: dict[str, Any] = {
            "Name": name,
            "Prefix": _encode(prefix, url),
            "KeyMarker": _encode(key_marker, url),
            "VersionIdMarker": version_marker,
            "MaxKeys": limit,
            "IsTruncated": truncated,
        }
        if versions:
            out["Versions"] = versions
        if markers:
            out["DeleteMarkers"] = markers
        if versions and markers:
            out[INTERLEAVE] = sequence
        if prefixes:
            out["CommonPrefixes"] = prefixes
        if delimiter:
            out["Delimiter"] = _encode(delimiter, url)
        if url:
            out["EncodingType"] = "url"
        if truncated:
            kind, last = items[-1]
            if kind == "prefix":
                out["NextKeyMarker"] = _encode(last, url)
            else:
                out["NextKeyMarker"] = _encode(last["Key"], url)
                out["NextVersionIdMarker"] = last["VersionId"]
        return out

    def _version_for_marker(self, bucket: str, key: str, version_id: str) -> dict[str, Any]:
        if version_id == records.NULL_VERSION:
            for _, v in self.store.scan(records.VERSIONS, *keys.prefix_range(bucket, key)):
                if v["VersionId"] == version_id:
                    return v
        elif records.order_is_version_id(version_id):
            found = self.store.get(records.VERSIONS, records.version_key(bucket, key, version_id))
            if found is not None:
                return found
        raise ServiceError(
            "InvalidArgument",
            "Invalid version id specified",
            400,
            ArgumentName="version-id-marker",
            ArgumentValue=version_id,
        )


def _make_token(value: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def _read_token(token: str) -> str:
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode()))
        if isinstance(value, str):
            return value
    except ValueError:
        pass
    raise ServiceError(
        "InvalidArgument",
        "The continuation token provided is incorrect",
        400,
        ArgumentName="continuation-token",
        ArgumentValue=token,
    )
