"""What a Query or Scan returns of each item: the Select parameter and its rules."""

from __future__ import annotations

from typing import Any

from .errors import invalid, validation
from .schema import IndexSpec

SELECT = ["ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"]


def resolve_select(params: dict[str, Any], index: IndexSpec | None, has_projection: bool) -> str:
    """The effective Select, after DynamoDB's checks on how it combines with the rest."""
    select = params.get("Select")
    for field in ("ProjectionExpression", "AttributesToGet"):
        if params.get(field) is not None and select not in (None, "SPECIFIC_ATTRIBUTES"):
            wanted = "only the Count" if select == "COUNT" else select
            raise validation(f"Cannot specify the {field} when choosing to get {wanted}")
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        raise validation(
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        )
    if select == "SPECIFIC_ATTRIBUTES" and not has_projection:
        raise validation(
            "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
            "SPECIFIC_ATTRIBUTES"
        )
    if select is None:
        if has_projection:
            select = "SPECIFIC_ATTRIBUTES"
        else:
            select = "ALL_PROJECTED_ATTRIBUTES" if index is not None else "ALL_ATTRIBUTES"
    if (
        select == "ALL_ATTRIBUTES"
        and index is not None
        and index.is_global
        and index.projection_type != "ALL"
    ):
        raise invalid(
            f"Select type ALL_ATTRIBUTES is not supported for global secondary index "
            f"{index.name} because its projection type is not ALL"
        )
    return select


def reads_table(select: str, index: IndexSpec | None) -> bool:
    """Whether each index entry must be completed from the table (a local index whose
    projection lacks what was asked for, as DynamoDB fetches them)."""
    if index is None or index.is_global or index.projection_type == "ALL":
        return False
    return select in ("ALL_ATTRIBUTES", "SPECIFIC_ATTRIBUTES")
