"""Object operations: put, get, head, delete (one or many), copy, tags, ACL, attributes."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from ...auth import RequestContext
from ...protocol import ServiceError
from ...store import keys
from . import checksums, conditions, notifications, object_data, records
from .acl import acl_policy, check_acl_allowed
from .errors import (
    invalid_argument,
    invalid_request,
    malformed_xml,
    method_not_allowed_on_delete_marker,
    no_such_key,
    no_such_version,
)
from .tags import check_tag_set, parse_tagging_header
from .versions import VersionStore, versioning_status

STORAGE_CLASSES = {
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "GLACIER_IR",
    "SNOW",
    "EXPRESS_ONEZONE",
    "FSX_OPENZFS",
    "FSX_ONTAP",
}
# Request members copied onto the stored object and returned on GET/HEAD.
CONTENT_FIELDS = (
    "ContentType",
    "ContentEncoding",
    "ContentDisposition",
    "ContentLanguage",
    "CacheControl",
    "Expires",
    "WebsiteRedirectLocation",
)
_RESPONSE_OVERRIDES = {
    "ResponseCacheControl": "CacheControl",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentEncoding": "ContentEncoding",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseContentType": "ContentType",
    "ResponseExpires": "Expires",
}
MAX_METADATA_BYTES = 2048


def object_attributes(p: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The metadata a write request sets on an object (content headers, user metadata, tags, class)."""
    record: dict[str, Any] = dict(base or {})
    for field in CONTENT_FIELDS:
        if p.get(field) is not None:
            value = p[field]
            record[field] = (
                value.timestamp() if field == "Expires" and hasattr(value, "timestamp") else value
            )
    record.setdefault("ContentType", "binary/octet-stream")
    metadata = {k.lower(): v for k, v in (p.get("Metadata") or {}).items()}
    if sum(len(k) + len(v) for k, v in metadata.items()) > MAX_METADATA_BYTES:
        raise ServiceError(
            "MetadataTooLarge",
            "Your metadata headers exceed the maximum allowed metadata size.",
            400,
            Size=str(sum(len(k) + len(v) for k, v in metadata.items())),
            MaxSizeAllowed=str(MAX_METADATA_BYTES),
        )
    record["Metadata"] = metadata
    storage_class = p.get("StorageClass") or "STANDARD"
    if storage_class not in STORAGE_CLASSES:
        raise ServiceError(
            "InvalidStorageClass",
            "The storage class you specified is not valid",
            400,
            StorageClassRequested=storage_class,
        )
    record["StorageClass"] = storage_class
    if p.get("Tagging"):
        record["Tags"] = parse_tagging_header(p["Tagging"])
    if p.get("ACL"):
        record["Acl"] = p["ACL"]
    if p.get("ServerSideEncryption"):
        record["ServerSideEncryption"] = p["ServerSideEncryption"]
    if p.get("SSEKMSKeyId"):
        record["SSEKMSKeyId"] = p["SSEKMSKeyId"]
    return record


def content_headers(record: dict[str, Any]) -> dict[str, Any]:
    """The GET/HEAD response members that describe a stored object."""
    out: dict[str, Any] = {
        "ETag": record["ETag"],
        "LastModified": record["LastModified"] / 1000,
        "ContentLength": record["Size"],
        "Metadata": record.get("Metadata") or {},
        "ServerSideEncryption": record.get("ServerSideEncryption", "AES256"),
        "AcceptRanges": "bytes",
    }
    for field in CONTENT_FIELDS:
        if record.get(field) is not None:
            out[field] = record[field]
    if "Expires" in out:
        out["Expires"] = record["Expires"]
        out["ExpiresString"] = None
    if record.get("StorageClass", "STANDARD") != "STANDARD":
        out["StorageClass"] = record["StorageClass"]
    if record.get("Tags"):
        out["TagCount"] = len(record["Tags"])
    if record.get("SSEKMSKeyId"):
        out["SSEKMSKeyId"] = record["SSEKMSKeyId"]
    return out


def parse_copy_source(source: str) -> tuple[str, str, str | None]:
    text, _, query = source.partition("?")
    text = unquote(text).lstrip("/")
    bucket, _, key = text.partition("/")
    version_id = None
    if query:
        for part in query.split("&"):
            k, _, v = part.partition("=")
            if k == "versionId":
                version_id = unquote(v)
    if not bucket or not key:
        raise invalid_argument("Invalid copy source object key", "x-amz-copy-source", source)
    return bucket, key, version_id


class ObjectOperations(VersionStore):
    # -- reading ------------------------------------------------------------------
    def _readable(self, p: dict[str, Any], method: str) -> dict[str, Any]:
        """The version a request names (or the current one), or the error S3 gives."""
        bucket, key = p["Bucket"], p["Key"]
        record = self.bucket(bucket)
        version_id = p.get("VersionId")
        if version_id:
            if version_id != records.NULL_VERSION and versioning_status(record) is None:
                raise invalid_argument("Invalid version id specified", "versionId", version_id)
            found = self.find_version(bucket, key, version_id)
            if found is None:
                raise no_such_version(key, version_id) if version_id != "null" else no_such_key(key)
            if found.get("DeleteMarker"):
                raise method_not_allowed_on_delete_marker(method, version_id)
            return found
        found = self.current(bucket, key)
        if found is None:
            marker = self._newest_delete_marker(bucket, key)
            if marker is not None:
                if method not in ("GET", "HEAD"):
                    raise method_not_allowed_on_delete_marker(method, marker["VersionId"])
                raise ServiceError(
                    "NoSuchKey",
                    "The specified key does not exist.",
                    404,
                    headers={
                        "x-amz-delete-marker": "true",
                        "x-amz-version-id": marker["VersionId"],
                    },
                    Key=key,
                )
            raise no_such_key(key)
        return found

    def _copy_source(self, bucket: str, key: str, version_id: str | None) -> dict[str, Any]:
        try:
            return self._readable({"Bucket": bucket, "Key": key, "VersionId": version_id}, "GET")
        except ServiceError as err:
            if err.code == "MethodNotAllowed":
                raise invalid_request(
                    "The source of a copy request may not specifically refer to a delete marker "
                    "by version id."
                ) from err
            raise

    def _no_versions(self, bucket: str, key: str) -> bool:
        lo, hi = keys.prefix_range(bucket, key)
        return next(iter(self.store.scan(records.VERSIONS, lo, hi, limit=1)), None) is None

    def _newest_delete_marker(self, bucket: str, key: str) -> dict[str, Any] | None:
        for _, v in self.store.scan(records.VERSIONS, *keys.prefix_range(bucket, key), limit=1):
            return v if v.get("DeleteMarker") else None
        return None

    def _describe(
        self, p: dict[str, Any], record: dict[str, Any], bucket: dict[str, Any]
    ) -> dict[str, Any]:
        out = content_headers(record)
        if versioning_status(bucket) is not None or record["VersionId"] != records.NULL_VERSION:
            out["VersionId"] = record["VersionId"]
        if p.get("ChecksumMode") == "ENABLED" and record.get("Checksums"):
            for alg, value in record["Checksums"].items():
                out[f"Checksum{alg}"] = value
            out["ChecksumType"] = record.get("ChecksumType", "FULL_OBJECT")
        if record.get("PartsCount") and p.get("PartNumber"):
            out["PartsCount"] = record["PartsCount"]
        for param, field in _RESPONSE_OVERRIDES.items():
            if p.get(param) is not None:
                value = p[param]
                out[field] = value.timestamp() if hasattr(value, "timestamp") else value
        return out

    def _part_range(self, p: dict[str, Any], record: dict[str, Any]) -> tuple[int, int] | None:
        number = p.get("PartNumber")
        if number is None:
            return None
        sizes = record.get("PartSizes") or [record["Size"]]
        if number < 1 or number > len(sizes):
            raise ServiceError(
                "InvalidPartNumber",
                "The requested partnumber is not satisfiable",
                416,
                PartNumberRequested=str(number),
                ActualPartCount=str(len(sizes)),
            )
        first = sum(sizes[: number - 1])
        return first, first + sizes[number - 1] - 1

    def get_object(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        _check_range_or_part(p)
        record = self._readable(p, "GET")
        bucket = self.bucket(p["Bucket"])
        conditions.check_read(p, record)
        out = self._describe(p, record, bucket)
        size = record["Size"]
        span = self._part_range(p, record) or conditions.byte_range(p.get("Range"), size)
        if span is None:
            out["Body"] = object_data.read(self.store.blobs, record, 0, size - 1)
            return out
        first, last = span
        out["Body"] = object_data.read(self.store.blobs, record, first, last)
        out["ContentLength"] = last - first + 1
        out["ContentRange"] = f"bytes {first}-{last}/{size}"
        out["_status"] = 206
        out.pop("ChecksumType", None)
        for alg in checksums.ALGORITHMS:
            out.pop(f"Checksum{alg}", None)
        return out

    def head_object(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        _check_range_or_part(p)
        record = self._readable(p, "HEAD")
        bucket = self.bucket(p["Bucket"])
        conditions.check_read(p, record)
        out = self._describe(p, record, bucket)
        span = self._part_range(p, record) or conditions.byte_range(p.get("Range"), record["Size"])
        if span is not None:
            first, last = span
            out["ContentLength"] = last - first + 1
            out["ContentRange"] = f"bytes {first}-{last}/{record['Size']}"
            out["_status"] = 206
        return out

    # -- writing --------------------------------------------------------------------
    def put_object(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = p["Key"]
        check_key(key)
        attributes = object_attributes(p)
        hashers, hasher_list = checksums.prepare(p)
        blob = self.store.blobs.write(p.get("Body") or b"", hasher_list)
        try:
            checksums.check_content_md5(p, blob.md5_hex)
            sums = checksums.verify(p, hashers)
            record = {
                **attributes,
                "Size": blob.size,
                "ETag": f'"{blob.md5_hex}"',
                "LastModified": self.now_ms(),
                "Segments": [[blob.id, blob.size]],
            }
            if sums:
                record["Checksums"] = sums
                record["ChecksumType"] = "FULL_OBJECT"
            with self.store.transaction():
                bucket = self.bucket(p["Bucket"])
                check_acl_allowed(bucket, p)
                conditions.check_write(p, self.current(bucket["Name"], key), key)
                self.commit_version(bucket, key, record)
                notifications.object_event(self, ctx, bucket, "ObjectCreated:Put", key, record)
        except BaseException:
            self.store.discard_blob(blob.id)
            raise
        out: dict[str, Any] = {
            "ETag": record["ETag"],
            "ServerSideEncryption": record.get("ServerSideEncryption", "AES256"),
        }
        if versioning_status(bucket) is not None:  # "null" in a suspended bucket
            out["VersionId"] = record["VersionId"]
        for alg, value in (record.get("Checksums") or {}).items():
            out[f"Checksum{alg}"] = value
        if record.get("Checksums"):
            out["ChecksumType"] = "FULL_OBJECT"
        return out

    def copy_object(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        src_bucket, src_key, src_version = parse_copy_source(p["CopySource"])
        dest = self.bucket(p["Bucket"])
        key = p["Key"]
        check_key(key)
        check_acl_allowed(dest, p)
        source = self._copy_source(src_bucket, src_key, src_version)
        conditions.check_read(p, source, prefix="CopySource")
        directive = p.get("MetadataDirective") or "COPY"
        if directive not in ("COPY", "REPLACE"):
            raise invalid_argument(
                "Unknown metadata directive.", "x-amz-metadata-directive", directive
            )
        tagging_directive = p.get("TaggingDirective") or "COPY"
        same = src_bucket == dest["Name"] and src_key == key and not src_version
        if (
            same
            and directive == "COPY"
            and not p.get("StorageClass")
            and not p.get("ServerSideEncryption")
            and not p.get("WebsiteRedirectLocation")
        ):
            raise invalid_request(
                "This copy request is illegal because it is trying to copy an object to itself "
                "without changing the object's metadata, storage class, website redirect location "
                "or encryption attributes."
            )
        if directive == "REPLACE":
            attributes = object_attributes({**p, "Tagging": None})
        else:
            base = {f: source[f] for f in (*CONTENT_FIELDS, "Metadata") if f in source}
            attributes = object_attributes({"StorageClass": p.get("StorageClass")}, base)
            attributes["Metadata"] = source.get("Metadata") or {}
        if tagging_directive == "REPLACE":
            attributes["Tags"] = parse_tagging_header(p["Tagging"]) if p.get("Tagging") else []
        elif source.get("Tags"):
            attributes["Tags"] = source["Tags"]
        wanted = p.get("ChecksumAlgorithm") or next(iter(source.get("Checksums") or {}), None)
        hashers, hasher_list = checksums.prepare({"ChecksumAlgorithm": wanted} if wanted else {})
        blob = object_data.copy_into(self.store.blobs, source, hasher_list)
        try:
            record = {
                **attributes,
                "Size": blob.size,
                "ETag": f'"{blob.md5_hex}"',  # a copy is stored as one part, so its ETag is plain MD5
                "LastModified": self.now_ms(),
                "Segments": [[blob.id, blob.size]],
            }
            sums = {alg: checksums.encoded(h) for alg, h in hashers.items()}
            if sums:
                record["Checksums"] = sums
            with self.store.transaction():
                dest = self.bucket(p["Bucket"])
                self.commit_version(dest, key, record)
                notifications.object_event(self, ctx, dest, "ObjectCreated:Copy", key, record)
        except BaseException:
            self.store.discard_blob(blob.id)
            raise
        result: dict[str, Any] = {
            "ETag": record["ETag"],
            "LastModified": record["LastModified"] / 1000,
        }
        for alg, value in (record.get("Checksums") or {}).items():
            result[f"Checksum{alg}"] = value
        out: dict[str, Any] = {"CopyObjectResult": result, "ServerSideEncryption": "AES256"}
        if versioning_status(dest) is not None:
            out["VersionId"] = record["VersionId"]
        if source["VersionId"] != records.NULL_VERSION:
            out["CopySourceVersionId"] = source["VersionId"]
        return out

    # -- deleting ---------------------------------------------------------------------
    def delete_object(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        with self.store.transaction():
            bucket = self.bucket(p["Bucket"])
            out = self._delete_one(bucket, p["Key"], p.get("VersionId"), p)
            notifications.removed_event(self, ctx, bucket, p["Key"], p.get("VersionId"), out)
            return out

    def _delete_one(
        self,
        bucket: dict[str, Any],
        key: str,
        version_id: str | None,
        p: dict[str, Any],
        batch: bool = False,
    ) -> dict[str, Any]:
        name = bucket["Name"]
        if version_id:
            version = self.find_version(name, key, version_id)
            if version is None:
                # What S3 answers for a version it does not hold depends on the call and the bucket.
                if version_id == records.NULL_VERSION:
                    return {"VersionId": version_id}
                if batch:
                    raise no_such_version(key, version_id)
                if versioning_status(bucket) is not None and self._no_versions(name, key):
                    return {"VersionId": version_id}
                raise invalid_argument("Invalid version id specified", "versionId", version_id)
            if p.get("IfMatch") and not conditions.etag_matches(
                p["IfMatch"], version.get("ETag", "")
            ):
                raise conditions.precondition_failed("If-Match")
            self.delete_version(name, version)
            out: dict[str, Any] = {"VersionId": version_id}
            if version.get("DeleteMarker"):
                out["DeleteMarker"] = True
            return out
        status = versioning_status(bucket)
        current = self.current(name, key)
        if p.get("IfMatch"):
            if current is None:
                raise no_such_key(key)
            if not conditions.etag_matches(p["IfMatch"], current["ETag"]):
                raise conditions.precondition_failed("If-Match")
        if status is None:
            if current is not None:
                self.delete_version(name, current)
            return {}
        marker = self.commit_version(
            bucket,
            key,
            {
                "DeleteMarker": True,
                "LastModified": self.now_ms(),
                "Owner": records.canonical_user_id(bucket["Account"]),
            },
        )
        return {"DeleteMarker": True, "VersionId": marker["VersionId"]}

    def delete_objects(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        request = p["Delete"]
        objects = request.get("Objects") or []
        if not objects or len(objects) > 1000:
            raise malformed_xml()
        quiet = bool(request.get("Quiet"))
        deleted: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        with self.store.transaction():
            bucket = self.bucket(p["Bucket"])
            for item in objects:
                key = item["Key"]
                try:
                    result = self._delete_one(
                        bucket,
                        key,
                        item.get("VersionId"),
                        {"IfMatch": item.get("ETag")},
                        batch=True,
                    )
                except ServiceError as err:
                    errors.append(
                        {
                            "Key": key,
                            "VersionId": item.get("VersionId"),
                            "Code": err.code,
                            "Message": err.message,
                        }
                    )
                    continue
                notifications.removed_event(self, ctx, bucket, key, item.get("VersionId"), result)
                if quiet:
                    continue
                entry: dict[str, Any] = {"Key": key}
                if item.get("VersionId"):
                    entry["VersionId"] = item["VersionId"]
                    if result.get("DeleteMarker"):
                        entry["DeleteMarker"] = True
                        entry["DeleteMarkerVersionId"] = item["VersionId"]
                elif result.get("DeleteMarker"):
                    entry["DeleteMarker"] = True
                    entry["DeleteMarkerVersionId"] = result["VersionId"]
                deleted.append(entry)
        out: dict[str, Any] = {}
        if deleted:
            out["Deleted"] = deleted
        if errors:
            out["Errors"] = [{k: v for k, v in e.items() if v is not None} for e in errors]
        return out

    # -- tags, ACL, attributes -----------------------------------------------------------
    def _rewrite_version(self, p: dict[str, Any], change) -> dict[str, Any]:
        with self.store.transaction():
            record = self._readable(p, "PUT")
            change(record)
            name = p["Bucket"]
            self.store.put(
                records.VERSIONS, records.version_key(name, record["Key"], record["Order"]), record
            )
            current = self.current(name, record["Key"])
            if current is not None and current["Order"] == record["Order"]:
                self.store.put(records.OBJECTS, records.object_key(name, record["Key"]), record)
        return record

    def put_object_tagging(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        tags = p["Tagging"].get("TagSet") or []
        check_tag_set(tags, limit=10)
        record = self._rewrite_version(p, lambda r: r.__setitem__("Tags", tags))
        notifications.object_event(
            self, ctx, self.bucket(p["Bucket"]), "ObjectTagging:Put", p["Key"], record
        )
        return self._version_out(p, record)

    def get_object_tagging(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        record = self._readable(p, "GET")
        return {"TagSet": record.get("Tags") or [], **self._version_out(p, record)}

    def delete_object_tagging(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        record = self._rewrite_version(p, lambda r: r.pop("Tags", None))
        notifications.object_event(
            self, ctx, self.bucket(p["Bucket"]), "ObjectTagging:Delete", p["Key"], record
        )
        return self._version_out(p, record)

    def _version_out(self, p: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(p["Bucket"])
        if versioning_status(bucket) is not None:
            return {"VersionId": record["VersionId"]}
        return {}

    def get_object_acl(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        record = self._readable(p, "GET")
        return acl_policy(self.bucket(p["Bucket"])["Account"], record.get("Acl"))

    def put_object_acl(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        check_acl_allowed(self.bucket(p["Bucket"]), p)
        self._rewrite_version(p, lambda r: r.__setitem__("Acl", p.get("ACL") or "private"))
        return {}

    def get_object_attributes(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        record = self._readable(p, "GET")
        conditions.check_read({}, record)
        wanted = set(p.get("ObjectAttributes") or [])
        out: dict[str, Any] = {"LastModified": record["LastModified"] / 1000}
        if versioning_status(self.bucket(p["Bucket"])) is not None:
            out["VersionId"] = record["VersionId"]
        if "ETag" in wanted:
            out["ETag"] = record["ETag"].strip('"')
        if "ObjectSize" in wanted:
            out["ObjectSize"] = record["Size"]
        if "StorageClass" in wanted:
            out["StorageClass"] = record.get("StorageClass", "STANDARD")
        if "Checksum" in wanted and record.get("Checksums"):
            out["Checksum"] = {f"Checksum{k}": v for k, v in record["Checksums"].items()}
            out["Checksum"]["ChecksumType"] = record.get("ChecksumType", "FULL_OBJECT")
        if "ObjectParts" in wanted and record.get("PartsCount"):
            out["ObjectParts"] = {"TotalPartsCount": record["PartsCount"]}
        return out


def _check_range_or_part(p: dict[str, Any]) -> None:
    if p.get("Range") and p.get("PartNumber") is not None:
        raise invalid_request("Cannot specify both Range header and partNumber query parameter.")


def check_key(key: str) -> None:
    if not key:
        raise invalid_argument("Key must not be empty", "Key", key)
    if len(key.encode()) > 1024:
        raise ServiceError(
            "KeyTooLongError",
            "Your key is too long",
            400,
            Size=str(len(key.encode())),
            MaxSizeAllowed="1024",
        )
