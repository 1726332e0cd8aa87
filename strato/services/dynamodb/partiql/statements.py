"""The statements PartiQL for DynamoDB runs, as parsed (parameters already bound).

Conditions and update actions are the expression engine's own nodes (`expressions.nodes`),
so WHERE clauses and SET/REMOVE evaluate exactly as ConditionExpression and
UpdateExpression do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..expressions.nodes import Path, UpdateAction

Item = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Source:
    """FROM "table" or "table"."index"."""

    table: str
    index: str | None = None


@dataclass(frozen=True)
class Select:
    source: Source
    projection: tuple[Path, ...] | None  # None for *
    where: Any = None  # a condition node
    order_by: tuple[tuple[str, bool], ...] = ()  # (key attribute, descending)


@dataclass(frozen=True)
class Insert:
    source: Source
    item: Item


@dataclass(frozen=True)
class Update:
    source: Source
    actions: tuple[UpdateAction, ...]
    where: Any = None
    returning: str | None = None  # "ALL OLD", "MODIFIED OLD", "ALL NEW" or "MODIFIED NEW"


@dataclass(frozen=True)
class Delete:
    source: Source
    where: Any = None
    returning: str | None = None


@dataclass(frozen=True)
class Exists:
    """EXISTS(SELECT ...): a condition check inside ExecuteTransaction."""

    select: Select


Statement = Select | Insert | Update | Delete | Exists
