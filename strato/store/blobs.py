"""Blob files under the state directory: written once, referenced by id, collected when orphaned."""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from collections.abc import Iterable
from typing import BinaryIO

from .base import BlobInfo

CHUNK = 1 << 20


class FileBlobStore:
    def __init__(self, root: str) -> None:
        self.root = root
        self.tmp_dir = os.path.join(os.path.dirname(root), "tmp")
        os.makedirs(self.root, exist_ok=True)
        os.makedirs(self.tmp_dir, exist_ok=True)

    def path(self, blob_id: str) -> str:
        return os.path.join(self.root, blob_id[:2], blob_id)

    def write(self, data: bytes | BinaryIO, hashers: list | None = None) -> BlobInfo:
        blob_id = uuid.uuid4().hex
        path = self.path(blob_id)
        md5 = hashlib.md5()
        extra = hashers or []
        size = 0
        try:
            f = open(path, "wb")
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            f = open(path, "wb")
        with f:
            for chunk in _chunks(data):
                md5.update(chunk)
                for h in extra:
                    h.update(chunk)
                f.write(chunk)
                size += len(chunk)
        return BlobInfo(blob_id, size, md5.hexdigest())

    def open(self, blob_id: str) -> BinaryIO:
        return open(self.path(blob_id), "rb")

    def remove(self, blob_id: str) -> None:
        try:
            os.unlink(self.path(blob_id))
        except FileNotFoundError:
            pass

    def temp_file(self) -> BinaryIO:
        return tempfile.TemporaryFile(dir=self.tmp_dir)

    def all_ids(self) -> Iterable[str]:
        for sub in os.listdir(self.root):
            d = os.path.join(self.root, sub)
            if os.path.isdir(d):
                yield from os.listdir(d)

    def clear_tmp(self) -> None:
        for name in os.listdir(self.tmp_dir):
            try:
                os.unlink(os.path.join(self.tmp_dir, name))
            except OSError:
                pass


def _chunks(data: bytes | BinaryIO) -> Iterable[bytes]:
    if isinstance(data, (bytes, bytearray, memoryview)):
        if data:
            yield bytes(data)
        return
    while True:
        chunk = data.read(CHUNK)
        if not chunk:
            return
        yield chunk
