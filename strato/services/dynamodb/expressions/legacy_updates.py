"""The legacy AttributeUpdates and AttributesToGet parameters, as Update and Projection."""

from __future__ import annotations

from typing import Any

from .. import attribute_values as av
from .errors import DynamoValidationError
from .nodes import AddAction, DeleteAction, Path, Projection, RemoveAction, SetAction, Update, Value

INVALID = "One or more parameter values were invalid: "


def update_from_attribute_updates(updates: dict[str, Any]) -> Update:
    actions: list[Any] = []
    for name, spec in updates.items():
        action = spec.get("Action") or "PUT"
        raw = spec.get("Value")
        value = None if raw is None else av.validate_value(raw)
        kind = av.type_of(value)
        path = Path((name,))
        if value is None and action != "DELETE":
            raise DynamoValidationError(
                INVALID + "Only DELETE action is allowed when no attribute value is specified"
            )
        if action == "DELETE" and value is not None and kind not in av.SET_TYPES:
            raise DynamoValidationError(
                INVALID + f"DELETE action with value is not supported for the type {kind}"
            )
        if action == "ADD" and kind not in ("L", "N", *av.SET_TYPES):
            raise DynamoValidationError(
                INVALID + f"ADD action is not supported for the type {kind}"
            )
        if action == "PUT":
            actions.append(SetAction(path, Value("", value)))  # type: ignore[arg-type]
        elif action == "ADD":
            actions.append(AddAction(path, Value("", value)))  # type: ignore[arg-type]
        elif value is None:
            actions.append(RemoveAction(path))
        else:
            actions.append(DeleteAction(path, Value("", value)))
    return Update(tuple(actions), legacy=True)


def projection_from_attributes_to_get(names: list[str]) -> Projection:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DynamoValidationError(INVALID + f"Duplicate value in attribute name: {name}")
        seen.add(name)
    return Projection(tuple(Path((name,)) for name in names))
