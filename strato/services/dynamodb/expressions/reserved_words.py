"""DynamoDB's reserved words, which expressions may only use through #aliases."""

from __future__ import annotations

import json
from pathlib import Path

_WORDS = frozenset(json.loads((Path(__file__).parent / "reserved_words.json").read_text())["words"])


def is_reserved(name: str) -> bool:
    """True if `name` is reserved (the list is case-insensitive)."""
    return name.upper() in _WORDS
