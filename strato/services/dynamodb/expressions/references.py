"""Resolving #names and :values, and reporting an expression's problems in AWS's order."""

from __future__ import annotations

from typing import Any

from .. import attribute_values as av
from .errors import DynamoValidationError
from .nodes import Path, Value
from .reserved_words import is_reserved
from .syntax import Alias, Placeholder, RawPath

RESERVED = "Attribute name is a reserved keyword; reserved keyword: {}"
NAME_UNDEFINED = (
    "An expression attribute name used in the document path is not defined; attribute name: {}"
)
VALUE_UNDEFINED = (
    "An expression attribute value used in expression is not defined; attribute value: {}"
)
REDUNDANT_PARENS = "The expression has redundant parentheses;"
UNKNOWN_FUNCTION = "Invalid function name; function: {}"
OPERAND_COUNT = (
    "Incorrect number of operands for operator or function; "
    "operator or function: {}, number of operands: {}"
)
OPERAND_TYPE = (
    "Incorrect operand type for operator or function; operator or function: {}, operand type: {}"
)
NEEDS_PATH = "Operator or function requires a document path; operator or function: {}"
TOO_MANY_OPERATORS = "The expression contains too many operators; operator count: {}"
MAX_OPERATORS = 300


class Issues:
    """The first problem of each category; AWS reports the highest-ranked category."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}

    def add(self, category: str, message: str) -> None:
        self.first.setdefault(category, message)

    def pick(self, order: tuple[str, ...]) -> str | None:
        for category in order:
            if category in self.first:
                return self.first[category]
        return None


class References:
    """The ExpressionAttributeNames/Values of one request, and which an expression used."""

    def __init__(self, names: dict[str, str] | None, values: dict[str, Any] | None) -> None:
        self.names = names or {}
        self.values = values or {}
        self.names_used: set[str] = set()
        self.values_used: set[str] = set()

    def path(
        self,
        raw: RawPath,
        issues: Issues,
        undefined: str = "attrNameVal",
        reserved: Issues | None = None,
    ) -> Path:
        """Resolve aliases, noting undefined aliases and unaliased reserved words."""
        elements: list[str | int] = []
        for element in raw.elements:
            if isinstance(element, Alias):
                name = self.names.get(element.name)
                if name is None:
                    issues.add(undefined, NAME_UNDEFINED.format(element.name))
                    name = element.name
                else:
                    self.names_used.add(element.name)
                elements.append(name)
            else:
                if isinstance(element, str) and is_reserved(element):
                    (reserved or issues).add("reserved", RESERVED.format(element))
                elements.append(element)
        return Path(tuple(elements))

    def value(self, raw: Placeholder, issues: Issues, undefined: str = "attrNameVal") -> Value:
        found = self.values.get(raw.name)
        if found is None:
            issues.add(undefined, VALUE_UNDEFINED.format(raw.name))
            return Value(raw.name, {})
        self.values_used.add(raw.name)
        try:
            return Value(raw.name, av.validate_value(found))
        except DynamoValidationError as error:
            raise DynamoValidationError(
                f"ExpressionAttributeValues contains invalid value: {error.message} for key {raw.name}"
            ) from None
