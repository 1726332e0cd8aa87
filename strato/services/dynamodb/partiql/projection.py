"""What a SELECT returns of each item: every attribute for *, else each listed path's value
under its last name (`SELECT m.k[1]` gives `k[1]`), skipping paths the item lacks."""

from __future__ import annotations

from typing import Any

from ..expressions.document_paths import get
from ..expressions.nodes import Path

Item = dict[str, dict[str, Any]]


def result_name(path: Path) -> str:
    """The name a projected path comes back under: its last name and any indexes after it."""
    elements = path.elements
    last = max(i for i, e in enumerate(elements) if isinstance(e, str))
    return str(elements[last]) + "".join(f"[{e}]" for e in elements[last + 1 :])


def project_result(paths: tuple[Path, ...] | None, item: Item) -> Item:
    if paths is None:
        return item
    out: Item = {}
    for path in paths:
        value = get(item, path.elements)
        if value is not None:
            out[result_name(path)] = value
    return out
