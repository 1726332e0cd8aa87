"""Multipart uploads: create, upload part (or copy), complete, abort, list parts and uploads."""

from __future__ import annotations

import base64
import uuid
from typing import Any
from urllib.parse import quote

from ...auth import RequestContext
from ...protocol import ServiceError
from ...store import keys
from . import checksums, conditions, notifications, object_data, records
from .acl import check_acl_allowed
from .errors import invalid_argument, malformed_xml, no_such_upload
from .objects import ObjectOperations, check_key, object_attributes, parse_copy_source
from .versions import versioning_status

MIN_PART_SIZE = 5 << 20
MAX_PARTS = 10000


class MultipartOperations(ObjectOperations):
    def _upload(self, bucket: str, key: str, upload_id: str) -> dict[str, Any]:
        upload = self.store.get(records.UPLOADS, keys.pack(bucket, upload_id))
        if upload is None or upload["Key"] != key:
            raise no_such_upload(upload_id)
        return upload

    def create_multipart_upload(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(p["Bucket"])
        check_key(p["Key"])
        check_acl_allowed(bucket, p)
        attributes = object_attributes(p)
        upload_id = (
            base64.urlsafe_b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes).decode().rstrip("=")
        )
        upload = {
            "UploadId": upload_id,
            "Key": p["Key"],
            "Initiated": self.now_ms(),
            "InitiatedAt": self.clock.now(),  # orders uploads begun within one second
            "Attributes": attributes,
            "ChecksumAlgorithm": p.get("ChecksumAlgorithm"),
            "ChecksumType": p.get("ChecksumType"),
            "Owner": bucket["Account"],
        }
        self.store.put(records.UPLOADS, keys.pack(bucket["Name"], upload_id), upload)
        out: dict[str, Any] = {
            "Bucket": bucket["Name"],
            "Key": p["Key"],
            "UploadId": upload_id,
            "ServerSideEncryption": attributes.get("ServerSideEncryption", "AES256"),
        }
        if p.get("ChecksumAlgorithm"):
            out["ChecksumAlgorithm"] = p["ChecksumAlgorithm"]
            out["ChecksumType"] = p.get("ChecksumType") or "COMPOSITE"
        return out

    def upload_part(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, key, upload_id = p["Bucket"], p["Key"], p["UploadId"]
        self.bucket(name)
        _check_part_number(p["PartNumber"])
        self._upload(name, key, upload_id)
        hashers, hasher_list = checksums.prepare(p)
        blob = self.store.blobs.write(p.get("Body") or b"", hasher_list)
        try:
            checksums.check_content_md5(p, blob.md5_hex)
            sums = checksums.verify(p, hashers)
            part = self._store_part(name, key, upload_id, p["PartNumber"], blob, sums)
        except BaseException:
            self.store.discard_blob(blob.id)
            raise
        out: dict[str, Any] = {"ETag": part["ETag"], "ServerSideEncryption": "AES256"}
        for alg, value in sums.items():
            out[f"Checksum{alg}"] = value
        return out

    def upload_part_copy(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, key, upload_id = p["Bucket"], p["Key"], p["UploadId"]
        self.bucket(name)
        _check_part_number(p["PartNumber"])
        self._upload(name, key, upload_id)
        src_bucket, src_key, src_version = parse_copy_source(p["CopySource"])
        source = self._copy_source(src_bucket, src_key, src_version)
        conditions.check_read(p, source, prefix="CopySource")
        first, last = 0, source["Size"] - 1
        if p.get("CopySourceRange"):
            first, last = conditions.copy_source_range(p["CopySourceRange"], source["Size"])
        blob = object_data.copy_into(self.store.blobs, source, None, first, last)
        try:
            part = self._store_part(name, key, upload_id, p["PartNumber"], blob, {})
        except BaseException:
            self.store.discard_blob(blob.id)
            raise
        out: dict[str, Any] = {
            "CopyPartResult": {"ETag": part["ETag"], "LastModified": part["LastModified"] / 1000}
        }
        if source["VersionId"] != records.NULL_VERSION:
            out["CopySourceVersionId"] = source["VersionId"]
        return out

    def _store_part(
        self, bucket: str, key: str, upload_id: str, number: int, blob, sums: dict[str, str]
    ) -> dict[str, Any]:
        part = {
            "PartNumber": number,
            "ETag": f'"{blob.md5_hex}"',
            "Size": blob.size,
            "Blob": blob.id,
            "LastModified": self.now_ms(),
            "Checksums": sums,
        }
        with self.store.transaction():
            self._upload(bucket, key, upload_id)  # not aborted or completed meanwhile
            pk = records.part_key(bucket, upload_id, number)
            old = self.store.get(records.PARTS, pk)
            if old is not None:
                self.store.release_blob(old["Blob"])
            self.store.put(records.PARTS, pk, part)
            self.store.attach_blob(blob.id)
        return part

    def complete_multipart_upload(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, key, upload_id = p["Bucket"], p["Key"], p["UploadId"]
        requested = (p.get("MultipartUpload") or {}).get("Parts") or []
        if not requested:
            raise malformed_xml()
        with self.store.transaction():
            bucket = self.bucket(name)
            upload = self._upload(name, key, upload_id)
            stored = {
                part["PartNumber"]: part
                for _, part in self.store.scan(records.PARTS, *keys.prefix_range(name, upload_id))
            }
            numbers = [want.get("PartNumber") for want in requested]
            if None in numbers or any(a >= b for a, b in zip(numbers, numbers[1:], strict=False)):
                raise ServiceError(
                    "InvalidPartOrder",
                    "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
                    400,
                    UploadId=upload_id,
                )
            chosen = []
            for i, want in enumerate(requested):
                number = want["PartNumber"]
                part = stored.get(number)
                if part is None or want.get("ETag", "").strip('"') != part["ETag"].strip('"'):
                    raise ServiceError(
                        "InvalidPart",
                        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
                        400,
                        UploadId=upload_id,
                        PartNumber=str(number),
                        ETag=want.get("ETag", ""),
                    )
                if i < len(requested) - 1 and part["Size"] < MIN_PART_SIZE:
                    raise ServiceError(
                        "EntityTooSmall",
                        "Your proposed upload is smaller than the minimum allowed object size.",
                        400,
                        ProposedSize=str(part["Size"]),
                        MinSizeAllowed=str(MIN_PART_SIZE),
                        PartNumber=str(number),
                        ETag=part["ETag"],
                    )
                chosen.append(part)
            conditions.check_write(p, self.current(name, key), key)
            md5s = [part["ETag"].strip('"') for part in chosen]
            record = {
                **upload["Attributes"],
                "Size": sum(part["Size"] for part in chosen),
                "ETag": checksums.multipart_etag(md5s),
                "LastModified": self.now_ms(),
                "Segments": [[part["Blob"], part["Size"]] for part in chosen],
                "PartsCount": len(chosen),
                "PartSizes": [part["Size"] for part in chosen],
            }
            algorithm = upload.get("ChecksumAlgorithm")
            if algorithm and all(part["Checksums"].get(algorithm) for part in chosen):
                raw = b"".join(base64.b64decode(part["Checksums"][algorithm]) for part in chosen)
                composite = _composite_checksum(algorithm, raw)
                if composite is not None:
                    record["Checksums"] = {algorithm: f"{composite}-{len(chosen)}"}
                    record["ChecksumType"] = "COMPOSITE"
            used = {part["Blob"] for part in chosen}
            for part in stored.values():
                self.store.delete(
                    records.PARTS, records.part_key(name, upload_id, part["PartNumber"])
                )
                if part["Blob"] not in used:
                    self.store.release_blob(part["Blob"])
            self.store.delete(records.UPLOADS, keys.pack(name, upload_id))
            self.commit_version(bucket, key, record)
            notifications.object_event(
                self, ctx, bucket, "ObjectCreated:CompleteMultipartUpload", key, record
            )
        out: dict[str, Any] = {
            "Location": f"http://{ctx.host or 's3.amazonaws.com'}/{name}/{quote(key, safe='/')}",
            "Bucket": name,
            "Key": key,
            "ETag": record["ETag"],
            "ServerSideEncryption": "AES256",
        }
        if versioning_status(bucket) is not None:
            out["VersionId"] = record["VersionId"]
        for alg, value in (record.get("Checksums") or {}).items():
            out[f"Checksum{alg}"] = value
            out["ChecksumType"] = "COMPOSITE"
        return out

    def abort_multipart_upload(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, key, upload_id = p["Bucket"], p["Key"], p["UploadId"]
        with self.store.transaction():
            self.bucket(name)
            self._upload(name, key, upload_id)
            self._drop_upload(name, upload_id)
        return {}

    def list_parts(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, key, upload_id = p["Bucket"], p["Key"], p["UploadId"]
        self.bucket(name)
        upload = self._upload(name, key, upload_id)
        limit = min(p.get("MaxParts") or 1000, 1000)
        marker = p.get("PartNumberMarker") or 0
        lo, hi = keys.prefix_range(name, upload_id)
        if marker:
            lo = keys.after(records.part_key(name, upload_id, int(marker)))
        rows = [part for _, part in self.store.scan(records.PARTS, lo, hi, limit=limit + 1)]
        truncated = len(rows) > limit
        rows = rows[:limit]
        owner = records.owner(upload["Owner"])
        parts = []
        for part in rows:
            entry = {
                "PartNumber": part["PartNumber"],
                "LastModified": part["LastModified"] / 1000,
                "ETag": part["ETag"],
                "Size": part["Size"],
            }
            for alg, value in (part.get("Checksums") or {}).items():
                entry[f"Checksum{alg}"] = value
            parts.append(entry)
        out: dict[str, Any] = {
            "Bucket": name,
            "Key": key,
            "UploadId": upload_id,
            "PartNumberMarker": str(marker),
            "MaxParts": limit,
            "IsTruncated": truncated,
            "Initiator": owner,
            "Owner": owner,
            "StorageClass": upload["Attributes"].get("StorageClass", "STANDARD"),
        }
        if parts:
            out["Parts"] = parts
            if truncated:
                out["NextPartNumberMarker"] = str(parts[-1]["PartNumber"])
        if upload.get("ChecksumAlgorithm"):
            out["ChecksumAlgorithm"] = upload["ChecksumAlgorithm"]
        return out

    def list_multipart_uploads(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name = p["Bucket"]
        bucket = self.bucket(name)
        prefix = p.get("Prefix") or ""
        delimiter = p.get("Delimiter") or ""
        limit = min(p.get("MaxUploads") or 1000, 1000)
        key_marker = p.get("KeyMarker") or ""
        upload_marker = p.get("UploadIdMarker") or ""
        uploads = [
            u
            for _, u in self.store.scan(records.UPLOADS, *keys.prefix_range(name))
            if u["Key"].startswith(prefix)
        ]
        uploads.sort(
            key=lambda u: (u["Key"], u.get("InitiatedAt", u["Initiated"] / 1000), u["UploadId"])
        )
        if key_marker:
            at = next(
                (
                    i
                    for i, u in enumerate(uploads)
                    if (u["Key"], u["UploadId"]) == (key_marker, upload_marker)
                ),
                None,
            )
            if upload_marker and at is not None:
                # Uploads of one key are listed oldest first, so resume just after the marker's.
                uploads = uploads[at + 1 :]
            elif upload_marker:
                uploads = [
                    u
                    for u in uploads
                    if u["Key"] > key_marker
                    or (u["Key"] == key_marker and u["UploadId"] > upload_marker)
                ]
            else:
                uploads = [u for u in uploads if u["Key"] > key_marker]
        items: list[tuple[str, Any]] = []
        seen_prefixes: set[str] = set()
        truncated = False
        for u in uploads:
            if delimiter:
                i = u["Key"].find(delimiter, len(prefix))
                if i >= 0:
                    cp = u["Key"][: i + len(delimiter)]
                    if cp in seen_prefixes:
                        continue
                    seen_prefixes.add(cp)
                    if len(items) >= limit:
                        truncated = True
                        break
                    items.append(("prefix", cp))
                    continue
            if len(items) >= limit:
                truncated = True
                break
            items.append(("upload", u))
        owner = records.owner(bucket["Account"])
        out: dict[str, Any] = {
            "Bucket": name,
            "KeyMarker": key_marker,
            "UploadIdMarker": upload_marker,
            "Prefix": prefix,
            "MaxUploads": limit,
            "IsTruncated": truncated,
        }
        listed = [
            {
                "UploadId": u["UploadId"],
                "Key": u["Key"],
                "Initiated": u["Initiated"] / 1000,
                "StorageClass": u["Attributes"].get("StorageClass", "STANDARD"),
                "Owner": owner,
                "Initiator": owner,
                **(
                    {"ChecksumAlgorithm": u["ChecksumAlgorithm"]}
                    if u.get("ChecksumAlgorithm")
                    else {}
                ),
            }
            for kind, u in items
            if kind == "upload"
        ]
        if listed:
            out["Uploads"] = listed
        prefixes = [{"Prefix": cp} for kind, cp in items if kind == "prefix"]
        if prefixes:
            out["CommonPrefixes"] = prefixes
        if delimiter:
            out["Delimiter"] = delimiter
        if truncated and items:
            kind, last = items[-1]
            if kind == "upload":
                out["NextKeyMarker"] = last["Key"]
                out["NextUploadIdMarker"] = last["UploadId"]
            else:
                out["NextKeyMarker"] = last
        return out


def _check_part_number(number: int) -> None:
    if number < 1 or number > MAX_PARTS:
        raise invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive",
            "partNumber",
            str(number),
        )


def _composite_checksum(algorithm: str, concatenated: bytes) -> str | None:
    h = checksums.hasher(algorithm)
    if h is None:
        return None
    h.update(concatenated)
    return checksums.encoded(h)
