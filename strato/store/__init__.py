"""Durable state: the store interface and its embedded SQLite backend."""

from . import keys
from .base import BlobInfo, BlobStore, Store, Transaction
from .sqlite import INLINE_MAX, SqliteStore


def open_store(state_dir: str) -> Store:
    """Open the configured backend (only the embedded one exists today)."""
    return SqliteStore(state_dir)


__all__ = [
    "INLINE_MAX",
    "BlobInfo",
    "BlobStore",
    "SqliteStore",
    "Store",
    "Transaction",
    "keys",
    "open_store",
]
