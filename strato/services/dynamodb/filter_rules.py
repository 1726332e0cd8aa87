"""A Query's filter may not test the key attributes it reads by (DynamoDB's rule and messages)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from .errors import validation
from .expressions import Path
from .schema import KeyShape


def top_level_names(node: Any) -> Iterator[str]:
    """The top-level attribute of every document path in a parsed expression."""
    if isinstance(node, Path):
        yield str(node.elements[0])
    elif isinstance(node, tuple | list):
        for child in node:
            yield from top_level_names(child)
    elif dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            yield from top_level_names(getattr(node, f.name))


def check_filter_keys(params: dict[str, Any], condition: Any, key: KeyShape) -> None:
    if condition is None:
        return
    for name in top_level_names(condition):
        if name in key.names:
            if params.get("FilterExpression") is not None:
                raise validation(
                    "Filter Expression can only contain non-primary key attributes: "
                    f"Primary key attribute: {name}"
                )
            raise validation(
                f"QueryFilter can only contain non-key attributes: Primary key attribute: {name}"
            )
