"""Items as the store keeps them and as the wire carries them.

The store holds JSON, so binary values (B and BS, at any depth) are kept as base64
text; the protocol layer parses blobs to bytes and serializes bytes, so they are
decoded again on the way out. Every other type is the same in both forms.
"""

from __future__ import annotations

import base64
from typing import Any

Item = dict[str, dict[str, Any]]


def to_stored(item: Item) -> Item:
    return {name: _stored(av) for name, av in item.items()}


def to_wire(item: Item) -> Item:
    return {name: _wire(av) for name, av in item.items()}


def _stored(av: dict[str, Any]) -> dict[str, Any]:
    if "S" in av or "N" in av:
        return av
    if "B" in av:
        return {"B": _b64(av["B"])}
    if "BS" in av:
        return {"BS": [_b64(v) for v in av["BS"]]}
    if "M" in av:
        return {"M": {k: _stored(v) for k, v in av["M"].items()}}
    if "L" in av:
        return {"L": [_stored(v) for v in av["L"]]}
    return av


def _wire(av: dict[str, Any]) -> dict[str, Any]:
    if "S" in av or "N" in av:
        return av
    if "B" in av:
        return {"B": base64.b64decode(av["B"])}
    if "BS" in av:
        return {"BS": [base64.b64decode(v) for v in av["BS"]]}
    if "M" in av:
        return {"M": {k: _wire(v) for k, v in av["M"].items()}}
    if "L" in av:
        return {"L": [_wire(v) for v in av["L"]]}
    return av


def _b64(value: bytes | str) -> str:
    if isinstance(value, str):
        return value
    return base64.b64encode(value).decode()
