"""Request-shape checks botocore's validator leaves out (enums, maximums, patterns), worded
as DynamoDB's "N validation error(s) detected" message."""

from __future__ import annotations

import re
from typing import Any

from .errors import validation

NAME_PATTERN = re.compile(r"[a-zA-Z0-9_.-]+")


class ShapeErrors:
    """Collects constraint failures and raises them as one ValidationException."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def enum(self, value: Any, where: str, allowed: list[str]) -> None:
        if value is not None and value not in allowed:
            self.messages.append(
                f"Value '{value}' at '{where}' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(allowed)}]"
            )

    def name(self, value: str | None, where: str) -> None:
        """A table or index name: [a-zA-Z0-9_.-]+, 3 to 255 characters."""
        if value is None:
            return
        if not NAME_PATTERN.fullmatch(value):
            self.messages.append(
                f"Value '{value}' at '{where}' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
            )
        if len(value) < 3:
            self.messages.append(
                f"Value '{value}' at '{where}' failed to satisfy constraint: "
                "Member must have length greater than or equal to 3"
            )
        if len(value) > 255:
            self.messages.append(
                f"Value '{value}' at '{where}' failed to satisfy constraint: "
                "Member must have length less than or equal to 255"
            )

    def at_most(self, value: Any, shown: str, where: str, limit: int) -> None:
        size = value if isinstance(value, int) else len(value)
        if size > limit:
            kind = "value" if isinstance(value, int) else "length"
            self.messages.append(
                f"Value '{shown}' at '{where}' failed to satisfy constraint: "
                f"Member must have {kind} less than or equal to {limit}"
            )

    def raise_any(self) -> None:
        if not self.messages:
            return
        count = len(self.messages)
        noun = "error" if count == 1 else "errors"
        raise validation(f"{count} validation {noun} detected: " + "; ".join(self.messages))


def check_enums(params: dict[str, Any], fields: dict[str, list[str]]) -> None:
    """Top-level enum parameters of a data-plane request."""
    errors = ShapeErrors()
    for name, allowed in fields.items():
        errors.enum(params.get(name), name[:1].lower() + name[1:], allowed)
    errors.raise_any()


def key_schema_text(key_schema: list[dict[str, Any]]) -> str:
    """A key schema as DynamoDB prints it in validation messages (Java's toString)."""
    parts = [
        f"KeySchemaElement(attributeName={k.get('AttributeName', '')}, "
        f"keyType={k.get('KeyType', '')})"
        for k in key_schema
    ]
    return "[" + ", ".join(parts) + "]"
