"""Applying a projection: only the requested paths of an item, nested as in the item.

Elements picked from one list come back as a shorter list in index order, as AWS
returns them ("l[2], l[0]" gives [l[0], l[2]]).
"""

from __future__ import annotations

from typing import Any

from .document_paths import get
from .nodes import Projection
from .update_apply import copy_value

Item = dict[str, dict[str, Any]]


class _Map(dict):
    """A map being assembled from projected paths."""


class _List(dict):
    """A list being assembled from projected paths: index -> element."""


def project(projection: Projection, item: Item) -> Item:
    result = _Map()
    for path in projection.paths:
        value = get(item, path.elements)
        if value is not None:
            _place(result, path.elements, copy_value(value))
    return {name: _finished(value) for name, value in result.items()}


def _place(container: dict[Any, Any], elements: tuple[str | int, ...], value: Any) -> None:
    key, rest = elements[0], elements[1:]
    if not rest:
        container[key] = value
        return
    child = container.get(key)
    if child is None:
        child = container[key] = _Map() if isinstance(rest[0], str) else _List()
    _place(child, rest, value)


def _finished(value: Any) -> dict[str, Any]:
    if isinstance(value, _Map):
        return {"M": {k: _finished(v) for k, v in value.items()}}
    if isinstance(value, _List):
        return {"L": [_finished(value[i]) for i in sorted(value)]}
    return value
