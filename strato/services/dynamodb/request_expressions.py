"""A request's expressions (or the legacy parameters that stand for them), parsed once,
with the checks DynamoDB makes across them, in its order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import validation
from .expressions import (
    check_expression_attributes,
    check_parameter_mix,
    check_unused,
    condition_from_expected,
    condition_from_filter,
    key_condition_from_key_conditions,
    parse_condition,
    parse_key_condition,
    parse_projection,
    parse_update,
    projection_from_attributes_to_get,
    update_from_attribute_updates,
)


@dataclass
class Expressions:
    condition: Any = None
    projection: Any = None
    update: Any = None
    filter: Any = None
    key_condition: Any = None


def parse(
    params: dict[str, Any],
    operation: str,
    *,
    key: tuple[str, str | None] | None = None,
) -> Expressions:
    """Parse the expressions `operation` takes from `params` (for BatchGetItem, one table's
    entry); `key` is the (hash, range) key names a Query's key condition must use."""
    check_parameter_mix(params, operation)
    names = params.get("ExpressionAttributeNames")
    values = check_expression_attributes(names, params.get("ExpressionAttributeValues"))
    operator = params.get("ConditionalOperator")
    out = Expressions()
    if params.get("UpdateExpression") is not None:
        out.update = parse_update(params["UpdateExpression"], names, values)
    elif params.get("AttributeUpdates") is not None:
        out.update = update_from_attribute_updates(params["AttributeUpdates"])
    if params.get("ConditionExpression") is not None:
        out.condition = parse_condition(params["ConditionExpression"], names, values)
    elif params.get("Expected") is not None:
        out.condition = condition_from_expected(params["Expected"], operator)
    if key is not None:
        if params.get("KeyConditionExpression") is not None:
            out.key_condition = parse_key_condition(
                params["KeyConditionExpression"], names, values, key[0], key[1]
            )
        elif params.get("KeyConditions") is not None:
            out.key_condition = key_condition_from_key_conditions(
                params["KeyConditions"], key[0], key[1]
            )
        else:
            raise validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified "
                "in the request."
            )
    if params.get("FilterExpression") is not None:
        out.filter = parse_condition(
            params["FilterExpression"], names, values, kind="FilterExpression"
        )
    else:
        legacy_filter = params.get("QueryFilter") or params.get("ScanFilter")
        if legacy_filter is not None:
            out.filter = condition_from_filter(legacy_filter, operator)
    if params.get("ProjectionExpression") is not None:
        out.projection = parse_projection(params["ProjectionExpression"], names)
    elif params.get("AttributesToGet") is not None:
        out.projection = projection_from_attributes_to_get(params["AttributesToGet"])
    check_unused(
        names, values, out.update, out.condition, out.key_condition, out.filter, out.projection
    )
    return out
