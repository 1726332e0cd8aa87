"""A function's deployment package: read from the request or from S3, checked, stored as a blob."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from .errors import invalid, too_large

MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 262144000


def read_package(platform, ctx: RequestContext, code: dict[str, Any]) -> bytes:
    """The zip bytes of a `Code` (or UpdateFunctionCode) request."""
    if code.get("ZipFile") is not None:
        data = code["ZipFile"]
        if len(data) > MAX_ZIP_BYTES:
            raise too_large(
                "Request must be smaller than 69905067 bytes for the CreateFunction operation"
            )
    elif code.get("S3Bucket") and code.get("S3Key"):
        params = {"Bucket": code["S3Bucket"], "Key": code["S3Key"]}
        if code.get("S3ObjectVersion"):
            params["VersionId"] = code["S3ObjectVersion"]
        try:
            body = platform.provider("s3").get_object(ctx, params)["Body"]
        except ServiceError as e:
            raise invalid(
                f"Error occurred while GetObject. S3 Error Code: {e.code}. S3 Error Message: {e.message}"
            ) from e
        data = body if isinstance(body, bytes) else b"".join(body[0])
    elif code.get("ImageUri"):
        raise invalid("Strato cannot run container image functions yet (PackageType Image).")
    else:
        raise invalid("Please provide a source for function code.")
    check_zip(data)
    return data


def check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise invalid(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from e
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise invalid(f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes")


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()
