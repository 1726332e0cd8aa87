"""DynamoDB's expression language: parse, check, evaluate, apply, project.

Every function raises `DynamoValidationError` (answer ValidationException, HTTP 400,
with `.message`) for input AWS rejects, with AWS's message. Items and values are
AttributeValues in wire form ({"S": "x"}, {"N": "1.5"}, {"B": b"..."}, ...); an
absent item is {}.

One request, in AWS's order of checks:

    check_parameter_mix(request, "UpdateItem")        # legacy vs expression parameters
    values = check_expression_attributes(names, values)  # keys, emptiness; values normalised
    update = parse_update(text, names, values)
    condition = parse_condition(text, names, values)   # kind="FilterExpression" etc.
    check_unused(names, values, update, condition)     # once, with every parsed expression

Conditions
    parse_condition(text, names, values, kind="ConditionExpression") -> Condition
    evaluate(condition, item) -> bool          # never raises; mismatched types are false

Updates
    parse_update(text, names, values) -> Update
    apply_update(update, item) -> (new_item, touched_top_level_names)
        Raises AWS's runtime errors (missing operand attribute, wrong operand type,
        invalid document path, number overflow). Does not mutate `item`.
    Update.top_level_names   check key attributes before applying ("Cannot update
                             attribute pk. This attribute is part of the key")
    Update.projection        project(update.projection, old_or_new) gives
                             ReturnValues UPDATED_OLD / UPDATED_NEW

Projections
    parse_projection(text, names) -> Projection
    project(projection, item) -> dict

Key conditions
    parse_key_condition(text, names, values, hash_key, range_key) -> KeyCondition
    KeyCondition.hash_value  the partition key's AttributeValue
    KeyCondition.range       None or (op, [AttributeValue, ...]), op one of
                             "=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"
    KeyCondition.matches(item) -> bool
    The provider still checks value types against the table's AttributeDefinitions.

Legacy parameters (converted to the same trees)
    condition_from_expected(expected, conditional_operator) -> Condition | None
    condition_from_filter(query_or_scan_filter, conditional_operator) -> Condition | None
    update_from_attribute_updates(attribute_updates) -> Update
    key_condition_from_key_conditions(key_conditions, hash_key, range_key) -> KeyCondition
    projection_from_attributes_to_get(attribute_names) -> Projection
    None means there is nothing to check.

Attribute values live in `strato.services.dynamodb.attribute_values`: normalize_number,
validate_item, item_size, compare, values_equal, sort_key_bytes.
"""

from .errors import DynamoValidationError
from .evaluator import evaluate
from .key_condition import KeyCondition, parse_key_condition
from .legacy_conditions import (
    condition_from_expected,
    condition_from_filter,
    key_condition_from_key_conditions,
)
from .legacy_updates import projection_from_attributes_to_get, update_from_attribute_updates
from .nodes import Condition, Path, Projection, Update
from .parse import parse_condition, parse_projection, parse_update
from .projection import project
from .request_checks import check_expression_attributes, check_parameter_mix, check_unused
from .update_apply import apply_update

__all__ = [
    "Condition",
    "DynamoValidationError",
    "KeyCondition",
    "Path",
    "Projection",
    "Update",
    "apply_update",
    "check_expression_attributes",
    "check_parameter_mix",
    "check_unused",
    "condition_from_expected",
    "condition_from_filter",
    "evaluate",
    "key_condition_from_key_conditions",
    "parse_condition",
    "parse_key_condition",
    "parse_projection",
    "parse_update",
    "project",
    "projection_from_attributes_to_get",
    "update_from_attribute_updates",
]
