"""Applying an update to an item, with the errors AWS raises while doing so.

Every SET value is computed from the item as it was before the update. SETs run
first (an index past a list's end appends), then ADD and DELETE, and removals of
list elements last, highest index first, so every index names an original element.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import attribute_values as av
from .document_paths import get
from .errors import DynamoValidationError
from .nodes import (
    AddAction,
    Arithmetic,
    DeleteAction,
    Function,
    Path,
    RemoveAction,
    SetAction,
    Update,
    Value,
)

Item = dict[str, dict[str, Any]]
INVALID_PATH = "The document path provided in the update expression is invalid for update"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"
LEGACY_WRONG_TYPE = "Type mismatch for attribute to update"


def apply_update(update: Update, item: Item) -> tuple[Item, set[str]]:
    """(the updated copy of `item`, the top-level attributes the update touched)."""
    new = {name: copy_value(value) for name, value in (item or {}).items()}
    values = [
        (action, _computed(action.value, item or {}))
        for action in update.actions
        if isinstance(action, SetAction)
    ]
    values.sort(key=lambda pair: _list_index(pair[0].path))  # appends land in index order
    removals: list[tuple[list[Any], int]] = []
    for action, value in values:
        _put(new, action.path, value)
    wrong_type = LEGACY_WRONG_TYPE if update.legacy else WRONG_TYPE
    for action in update.actions:
        if isinstance(action, AddAction):
            _add(new, action, wrong_type)
        elif isinstance(action, DeleteAction):
            _delete(new, action, wrong_type, removals)
        elif isinstance(action, RemoveAction):
            _remove(new, action.path, removals)
    for container, index in sorted(removals, key=lambda pair: -pair[1]):
        if index < len(container):
            del container[index]
    return new, {str(path.elements[0]) for path in update.paths}


def copy_value(value: dict[str, Any]) -> dict[str, Any]:
    tag, raw = next(iter(value.items()))
    if tag == "M":
        return {"M": {k: copy_value(v) for k, v in raw.items()}}
    if tag == "L":
        return {"L": [copy_value(v) for v in raw]}
    if tag in av.SET_TYPES:
        return {tag: list(raw)}
    return {tag: raw}


def _computed(value: Any, item: Item) -> dict[str, Any]:
    if isinstance(value, Value):
        return copy_value(value.value)
    if isinstance(value, Path):
        found = get(item, value.elements)
        if found is None:
            raise DynamoValidationError(MISSING)
        return copy_value(found)
    if isinstance(value, Arithmetic):
        left = _computed(value.left, item)
        if "N" not in left:
            raise DynamoValidationError(WRONG_TYPE)
        right = _computed(value.right, item)
        if "N" not in right:
            raise DynamoValidationError(WRONG_TYPE)
        return {"N": av.add_numbers(left["N"], right["N"], subtract=value.op == "-")}
    assert isinstance(value, Function)
    if value.name == "if_not_exists":
        found = get(item, value.args[0].elements)  # type: ignore[union-attr]
        return copy_value(found) if found is not None else _computed(value.args[1], item)
    first = _computed(value.args[0], item)
    if "L" not in first:
        raise DynamoValidationError(WRONG_TYPE)
    second = _computed(value.args[1], item)
    if "L" not in second:
        raise DynamoValidationError(WRONG_TYPE)
    return {"L": first["L"] + second["L"]}


def _list_index(path: Path) -> int:
    last = path.elements[-1]
    return last if isinstance(last, int) else -1


def _parent(item: Item, path: Path) -> Any:
    """The map (dict) or list holding the path's last element; fails as AWS does."""
    if len(path.elements) == 1:
        return item
    parent = get(item, path.elements[:-1])
    last = path.elements[-1]
    container = None if parent is None else parent.get("L" if isinstance(last, int) else "M")
    if container is None:
        raise DynamoValidationError(INVALID_PATH)
    return container


def _current(container: Any, key: str | int) -> dict[str, Any] | None:
    if isinstance(container, list):
        return container[key] if key < len(container) else None  # type: ignore[operator]
    return container.get(key)


def _store(container: Any, key: str | int, value: dict[str, Any]) -> None:
    if isinstance(container, list) and key >= len(container):  # type: ignore[operator]
        container.append(value)
    else:
        container[key] = value


def _put(item: Item, path: Path, value: dict[str, Any]) -> None:
    _store(_parent(item, path), path.elements[-1], value)


def _remove(item: Item, path: Path, removals: list[tuple[list[Any], int]]) -> None:
    container, key = _parent(item, path), path.elements[-1]
    if isinstance(container, list):
        removals.append((container, key))  # type: ignore[arg-type]
    else:
        container.pop(key, None)


def _add(item: Item, action: AddAction, wrong_type: str) -> None:
    container, key = _parent(item, action.path), action.path.elements[-1]
    existing, value = _current(container, key), action.value.value
    tag = av.type_of(value)
    if existing is None:
        _store(container, key, copy_value(value))
    elif av.type_of(existing) != tag:
        raise DynamoValidationError(wrong_type)
    elif tag == "N":
        existing["N"] = av.add_numbers(existing["N"], value["N"])
    elif tag == "L":  # legacy AttributeUpdates ADD appends to a list
        existing["L"].extend(copy_value(v) for v in value["L"])
    else:
        present = {_member(tag, m) for m in existing[tag]}
        for member in value[tag]:
            if _member(tag, member) not in present:
                existing[tag].append(member)
                present.add(_member(tag, member))


def _delete(item: Item, action: DeleteAction, wrong_type: str, removals: list[Any]) -> None:
    if action.value is None:
        _remove(item, action.path, removals)
        return
    container, key = _parent(item, action.path), action.path.elements[-1]
    existing, value = _current(container, key), action.value.value
    if existing is None:
        return
    tag = av.type_of(value)
    if av.type_of(existing) != tag:
        raise DynamoValidationError(wrong_type)
    doomed = {_member(tag, m) for m in value[tag]}
    kept = [m for m in existing[tag] if _member(tag, m) not in doomed]
    if kept:
        existing[tag] = kept
    else:
        _remove(item, action.path, removals)


def _member(tag: str, member: Any) -> Any:
    if tag == "NS":
        return Decimal(member)
    if tag == "BS":
        return av.binary(member)
    return member
