"""The syntax tree every expression parses to (legacy parameters convert to it too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Path:
    """A document path: attribute names (str) and list indexes (int)."""

    elements: tuple[str | int, ...]

    def __str__(self) -> str:
        # AWS's rendering in messages: [a, b, [2], c]
        return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in self.elements) + "]"


@dataclass(frozen=True, slots=True)
class Value:
    """An expression attribute value (`name` is ":x"; "" for legacy parameters)."""

    name: str
    value: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """`left + right` or `left - right` on the right-hand side of SET."""

    op: str
    left: Operand
    right: Operand


Operand = Path | Value | Function


@dataclass(frozen=True, slots=True)
class Comparison:
    op: str  # = <> < <= > >=
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    operand: Operand
    choices: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class And:
    left: ConditionNode
    right: ConditionNode


@dataclass(frozen=True, slots=True)
class Or:
    left: ConditionNode
    right: ConditionNode


@dataclass(frozen=True, slots=True)
class Not:
    operand: ConditionNode


# A Function here is one of attribute_exists, attribute_not_exists, attribute_type,
# begins_with or contains.
ConditionNode = Comparison | Between | In | Function | And | Or | Not


@dataclass(frozen=True, slots=True)
class SetAction:
    path: Path
    value: Operand | Arithmetic


@dataclass(frozen=True, slots=True)
class RemoveAction:
    path: Path


@dataclass(frozen=True, slots=True)
class AddAction:
    path: Path
    value: Value


@dataclass(frozen=True, slots=True)
class DeleteAction:
    path: Path
    value: Value | None  # None only from legacy AttributeUpdates (DELETE without Value)


UpdateAction = SetAction | RemoveAction | AddAction | DeleteAction


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed ConditionExpression or FilterExpression (or converted Expected/filter)."""

    root: ConditionNode
    names_used: frozenset[str] = frozenset()
    values_used: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Projection:
    paths: tuple[Path, ...]
    names_used: frozenset[str] = frozenset()
    values_used: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Update:
    """A parsed UpdateExpression (or converted AttributeUpdates, with legacy=True)."""

    actions: tuple[UpdateAction, ...]
    names_used: frozenset[str] = frozenset()
    values_used: frozenset[str] = frozenset()
    legacy: bool = False

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(action.path for action in self.actions)

    @property
    def top_level_names(self) -> frozenset[str]:
        """Top-level attributes the update touches (check key attributes against these)."""
        return frozenset(str(path.elements[0]) for path in self.paths)

    @property
    def projection(self) -> Projection:
        """The touched paths as a projection, for ReturnValues UPDATED_OLD / UPDATED_NEW."""
        return Projection(self.paths)
