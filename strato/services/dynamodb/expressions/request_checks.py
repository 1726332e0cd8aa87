"""Checks on a whole request's expression parameters, made once per request."""

from __future__ import annotations

import re
from typing import Any

from .. import attribute_values as av
from .errors import DynamoValidationError

_NAME_KEY = re.compile(r"#[0-9a-zA-Z_]+\Z")
_VALUE_KEY = re.compile(r":[0-9a-zA-Z_]+\Z")

# operation -> (expression parameters, non-expression parameters), in AWS's order
PARAMETERS = {
    "PutItem": (("ConditionExpression",), ("Expected",)),
    "DeleteItem": (("ConditionExpression",), ("Expected",)),
    "UpdateItem": (("UpdateExpression", "ConditionExpression"), ("AttributeUpdates", "Expected")),
    "GetItem": (("ProjectionExpression",), ("AttributesToGet",)),
    "BatchGetItem": (("ProjectionExpression",), ("AttributesToGet",)),
    "Query": (
        ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
        ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"),
    ),
    "Scan": (
        ("ProjectionExpression", "FilterExpression"),
        ("AttributesToGet", "ScanFilter", "ConditionalOperator"),
    ),
}


def check_parameter_mix(request: dict[str, Any], operation: str) -> None:
    """AWS's errors for mixing legacy and expression parameters, or aliases without expressions.

    `request` is the operation's input (for BatchGetItem, one table's entry).
    """
    expressions, legacy = PARAMETERS[operation]
    used = [p for p in expressions if request.get(p) is not None]
    if used:
        mixed = [p for p in legacy if request.get(p) is not None]
        if "KeyConditions" in mixed and request.get("KeyConditionExpression") is None:
            mixed.remove("KeyConditions")  # AWS lets KeyConditions go with other expressions
        if mixed:
            raise DynamoValidationError(
                "Can not use both expression and non-expression parameters in the same request: "
                f"Non-expression parameters: {{{', '.join(mixed)}}} "
                f"Expression parameters: {{{', '.join(used)}}}"
            )
    if request.get("ExpressionAttributeNames") is not None and not used:
        raise DynamoValidationError(
            "ExpressionAttributeNames can only be specified when using expressions"
        )
    with_values = [p for p in expressions if p != "ProjectionExpression"]
    if (
        with_values
        and request.get("ExpressionAttributeValues") is not None
        and all(request.get(p) is None for p in with_values)
    ):
        verb = "are" if len(with_values) > 1 else "is"
        raise DynamoValidationError(
            "ExpressionAttributeValues can only be specified when using expressions: "
            f"{' and '.join(with_values)} {verb} null"
        )


def check_expression_attributes(
    names: dict[str, str] | None, values: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Check ExpressionAttributeNames/Values (None = absent); return values normalised."""
    if names is not None:
        if not names:
            raise DynamoValidationError("ExpressionAttributeNames must not be empty")
        for key in names:
            if not _NAME_KEY.match(key):
                raise DynamoValidationError(
                    f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'
                )
    if values is None:
        return None
    if not values:
        raise DynamoValidationError("ExpressionAttributeValues must not be empty")
    for key in values:
        if not _VALUE_KEY.match(key):
            raise DynamoValidationError(
                f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
            )
    return av.validate_item(values, where="ExpressionAttributeValues")


def check_unused(names: dict[str, str] | None, values: dict[str, Any] | None, *parsed: Any) -> None:
    """AWS's error for names or values no expression of the request used.

    `parsed` are the request's parsed expressions (Condition, Update, Projection,
    KeyCondition); None entries are skipped.
    """
    names_used: set[str] = set()
    values_used: set[str] = set()
    for expression in parsed:
        if expression is not None:
            names_used |= expression.names_used
            values_used |= expression.values_used
    unused = [key for key in names or {} if key not in names_used]
    if unused:
        raise DynamoValidationError(
            f"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{', '.join(unused)}}}"
        )
    unused = [key for key in values or {} if key not in values_used]
    if unused:
        raise DynamoValidationError(
            f"Value provided in ExpressionAttributeValues unused in expressions: keys: {{{', '.join(unused)}}}"
        )
