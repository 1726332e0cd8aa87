"""Function and layer code unpacked from their zips, once per content hash, in the store's scratch space."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import uuid
import zipfile

from ..protocol import ServiceError


def unpack(scratch: str, sha256_hex: str, data: bytes) -> str:
    """The folder holding `data` (a zip) unpacked; built once per content hash."""
    target = os.path.join(scratch, sha256_hex)
    if os.path.isdir(target):
        return target
    staging = f"{target}.{uuid.uuid4().hex}.tmp"
    os.makedirs(staging)
    try:
        extract(data, staging)
        try:
            os.rename(staging, target)
        except OSError:  # someone else finished first
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def merged_layers(scratch: str, layers: list[tuple[str, bytes]]) -> str | None:
    """One folder with the layers extracted in order (later ones win), as /opt shows them."""
    if not layers:
        return None
    key = hashlib.sha256("|".join(sha for sha, _ in layers).encode()).hexdigest()
    target = os.path.join(scratch, key)
    if os.path.isdir(target):
        return target
    staging = f"{target}.{uuid.uuid4().hex}.tmp"
    os.makedirs(staging)
    try:
        for _, data in layers:
            extract(data, staging)
        try:
            os.rename(staging, target)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def extract(data: bytes, dest: str) -> None:
    """Unzip keeping Unix permissions (wrappers and bootstraps must stay executable)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise ServiceError(
            "InvalidParameterValueException",
            "Could not unzip uploaded file. Please check your file, then try to upload again.",
            400,
        ) from e
    root = os.path.realpath(dest)
    with archive:
        for info in archive.infolist():
            path = os.path.realpath(os.path.join(dest, info.filename))
            if not path.startswith(root + os.sep) and path != root:
                continue  # no writing outside the folder ("zip slip")
            if info.is_dir():
                os.makedirs(path, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with archive.open(info) as src, open(path, "wb") as out:
                shutil.copyfileobj(src, out)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(path, mode | 0o444)


def sha256_b64(data: bytes) -> str:
    import base64

    return base64.b64encode(hashlib.sha256(data).digest()).decode()
