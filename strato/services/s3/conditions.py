"""Conditional requests (If-Match and friends) and byte ranges, as S3 evaluates them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ...protocol import NotModified, ServiceError
from ...protocol.timestamps import format_timestamp
from .errors import precondition_failed

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def etag_matches(header: str, etag: str) -> bool:
    bare = etag.strip('"')
    for candidate in header.split(","):
        c = candidate.strip()
        if c == "*":
            return True
        if c.startswith("W/"):
            c = c[2:]
        if c.strip('"') == bare:
            return True
    return False


def _seconds(ms: int) -> int:
    return ms // 1000


def _ts(value: dt.datetime) -> int:
    return int(value.timestamp())


def check_read(p: dict[str, Any], record: dict[str, Any], prefix: str = "") -> None:
    """GET/HEAD preconditions: 412 PreconditionFailed or 304 Not Modified, per S3's precedence."""
    etag = record["ETag"]
    modified = _seconds(record["LastModified"])
    if_match = p.get(f"{prefix}IfMatch")
    unmodified_since = p.get(f"{prefix}IfUnmodifiedSince")
    if_none_match = p.get(f"{prefix}IfNoneMatch")
    modified_since = p.get(f"{prefix}IfModifiedSince")
    names = _condition_names(prefix)
    if if_match is not None:
        if not etag_matches(if_match, etag):
            raise precondition_failed(names["IfMatch"])
    elif unmodified_since is not None and modified > _ts(unmodified_since):
        raise precondition_failed(names["IfUnmodifiedSince"])
    if if_none_match is not None:
        if etag_matches(if_none_match, etag):
            _not_modified(prefix, record, names["IfNoneMatch"])
    elif modified_since is not None and modified <= _ts(modified_since):
        _not_modified(prefix, record, names["IfModifiedSince"])


def _not_modified(prefix: str, record: dict[str, Any], condition: str) -> None:
    if prefix:  # copy-source conditions fail with 412, never 304
        raise precondition_failed(condition)
    raise NotModified(
        headers={
            "ETag": record["ETag"],
            "Last-Modified": str(format_timestamp(record["LastModified"] / 1000, "rfc822")),
        }
    )


def _condition_names(prefix: str) -> dict[str, str]:
    if prefix:
        return {
            "IfMatch": "x-amz-copy-source-If-Match",
            "IfUnmodifiedSince": "x-amz-copy-source-If-Unmodified-Since",
            "IfNoneMatch": "x-amz-copy-source-If-None-Match",
            "IfModifiedSince": "x-amz-copy-source-If-Modified-Since",
        }
    return {
        "IfMatch": "If-Match",
        "IfUnmodifiedSince": "If-Unmodified-Since",
        "IfNoneMatch": "If-None-Match",
        "IfModifiedSince": "If-Modified-Since",
    }


def check_write(p: dict[str, Any], current: dict[str, Any] | None, key: str) -> None:
    """PutObject / CompleteMultipartUpload conditional writes (If-Match, If-None-Match: *)."""
    if_none_match = p.get("IfNoneMatch")
    if_match = p.get("IfMatch")
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise ServiceError("NotImplemented", "If-None-Match only supports '*'", 501)
        if current is not None:
            raise precondition_failed("If-None-Match")
    if if_match is not None:
        if current is None:
            from .errors import no_such_key

            raise no_such_key(key)
        if not etag_matches(if_match, current["ETag"]):
            raise precondition_failed("If-Match")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a satisfiable single range; None to serve the whole object."""
    if not header:
        return None
    m = _RANGE.match(header.strip())
    if not m:
        return None  # S3 ignores ranges it cannot parse (including multiple ranges)
    start_text, end_text = m.groups()
    if not start_text and not end_text:
        return None
    if not start_text:
        length = int(end_text)
        if length == 0 or size == 0:
            raise _invalid_range(size, header)
        return max(0, size - length), size - 1
    start = int(start_text)
    end = int(end_text) if end_text else size - 1
    if end_text and end < start:
        return None
    if start >= size:
        raise _invalid_range(size, header)
    return start, min(end, size - 1)


def _invalid_range(size: int, header: str) -> ServiceError:
    return ServiceError(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        headers={"Content-Range": f"bytes */{size}"},
        ActualObjectSize=str(size),
        RangeRequested=header,
    )


_COPY_RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")


def copy_source_range(header: str, size: int) -> tuple[int, int]:
    """(first, last) for UploadPartCopy's x-amz-copy-source-range, which only takes bytes=first-last."""
    m = _COPY_RANGE.match(header.strip())
    if not m or int(m.group(1)) > int(m.group(2)):
        raise ServiceError(
            "InvalidArgument",
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first "
            "and last are the zero-based offsets of the first and last bytes to copy",
            400,
            ArgumentName="x-amz-copy-source-range",
            ArgumentValue=header,
        )
    first, last = int(m.group(1)), int(m.group(2))
    if first >= size:
        raise ServiceError(
            "InvalidRequest", "The specified copy range is invalid for the source object size", 400
        )
    if last >= size:
        raise ServiceError(
            "InvalidArgument",
            f"Range specified is not valid for source object of size: {size}",
            400,
            ArgumentName="x-amz-copy-source-range",
            ArgumentValue=header,
        )
    return first, last
