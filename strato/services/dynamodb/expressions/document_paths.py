"""Reading a document path from an item, and AWS's rule that paths may not overlap."""

from __future__ import annotations

from typing import Any

from .nodes import Path
from .references import Issues

OVERLAP = (
    "Two document paths overlap with each other; must remove or rewrite one of these paths; "
    "path one: {}, path two: {}"
)
CONFLICT = (
    "Two document paths conflict with each other; must remove or rewrite one of these paths; "
    "path one: {}, path two: {}"
)


def get(item: dict[str, Any], elements: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The value at a path, or None where any step is missing or of the wrong type."""
    current = item.get(elements[0])  # type: ignore[arg-type]
    for element in elements[1:]:
        if current is None:
            return None
        if isinstance(element, int):
            items = current.get("L")
            current = items[element] if items is not None and element < len(items) else None
        else:
            members = current.get("M")
            current = members.get(element) if members is not None else None
    return current


def check_overlaps(paths: list[Path], issues: Issues) -> None:
    """Note (as "pathOverlap"/"pathConflict") paths that are prefixes of, or clash with, others."""
    seen: list[Path] = []
    for path in paths:
        for earlier in seen:
            relation = _relation(earlier.elements, path.elements)
            if relation == "overlap":
                issues.add("pathOverlap", OVERLAP.format(earlier, path))
                return
            if relation == "conflict":
                issues.add("pathConflict", CONFLICT.format(earlier, path))
        seen.append(path)


def _relation(one: tuple[str | int, ...], two: tuple[str | int, ...]) -> str | None:
    for a, b in zip(one, two, strict=False):
        if isinstance(a, int) != isinstance(b, int):
            return "conflict"  # the same place read as both a map and a list
        if a != b:
            return None
    return "overlap"
