"""Request-level checks: legacy/expression mixing, attribute name/value maps, unused entries."""

from __future__ import annotations

import pytest

from strato.services.dynamodb.expressions import (
    DynamoValidationError,
    check_expression_attributes,
    check_parameter_mix,
    check_unused,
    parse_condition,
    parse_key_condition,
    parse_projection,
    parse_update,
)


def message_of(call, *args) -> str:
    with pytest.raises(DynamoValidationError) as caught:
        call(*args)
    return caught.value.message


MIXED = "Can not use both expression and non-expression parameters in the same request: "


@pytest.mark.parametrize(
    ("operation", "request_", "message"),
    [
        # recorded from real DynamoDB
        (
            "PutItem",
            {"Expected": {}, "ConditionExpression": "x"},
            MIXED
            + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
        ),
        (
            "UpdateItem",
            {"UpdateExpression": "x", "AttributeUpdates": {}},
            MIXED
            + "Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}",
        ),
        (
            "GetItem",
            {"ProjectionExpression": "a", "AttributesToGet": ["a"]},
            MIXED
            + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
        ),
        (
            "PutItem",
            {"ExpressionAttributeValues": {":v": {"S": "x"}}},
            "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null",
        ),
        # the rest follow the same rules
        (
            "UpdateItem",
            {
                "UpdateExpression": "x",
                "ConditionExpression": "y",
                "Expected": {},
                "AttributeUpdates": {},
            },
            MIXED
            + "Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}",
        ),
        (
            "Query",
            {"KeyConditionExpression": "x", "QueryFilter": {}, "ConditionalOperator": "OR"},
            MIXED
            + "Non-expression parameters: {QueryFilter, ConditionalOperator} Expression parameters: {KeyConditionExpression}",
        ),
        (
            "Scan",
            {"FilterExpression": "x", "ScanFilter": {}},
            MIXED
            + "Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}",
        ),
        (
            "UpdateItem",
            {"ExpressionAttributeValues": {}},
            "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null",
        ),
        (
            "Query",
            {"KeyConditions": {}, "ExpressionAttributeValues": {}},
            "ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null",
        ),
        (
            "DeleteItem",
            {"ExpressionAttributeNames": {"#a": "a"}},
            "ExpressionAttributeNames can only be specified when using expressions",
        ),
        (
            "Scan",
            {"ExpressionAttributeNames": {"#a": "a"}, "ScanFilter": {}},
            "ExpressionAttributeNames can only be specified when using expressions",
        ),
    ],
)
def test_parameter_mix(operation: str, request_: dict, message: str) -> None:
    assert message_of(check_parameter_mix, request_, operation) == message


@pytest.mark.parametrize(
    ("operation", "request_"),
    [
        ("PutItem", {"ConditionExpression": "x", "ExpressionAttributeValues": {}}),
        ("PutItem", {"Expected": {}}),
        ("GetItem", {"ProjectionExpression": "#a", "ExpressionAttributeNames": {"#a": "a"}}),
        ("Query", {"KeyConditions": {}, "FilterExpression": "x"}),  # AWS allows this pairing
        ("Scan", {}),
    ],
)
def test_accepted_parameter_mixes(operation: str, request_: dict) -> None:
    check_parameter_mix(request_, operation)


@pytest.mark.parametrize(
    ("names", "values", "message"),
    [
        ({}, None, "ExpressionAttributeNames must not be empty"),
        (None, {}, "ExpressionAttributeValues must not be empty"),
        ({"a": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
        (
            {"#a-b": "a"},
            None,
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"',
        ),
        ({"#": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"'),
        (
            None,
            {"v": {"S": "x"}},
            'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"',
        ),
        (
            None,
            {":v": {"NS": []}},
            "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: "
            "An number set  may not be empty for key :v",
        ),
    ],
)
def test_expression_attribute_maps(names, values, message: str) -> None:
    assert message_of(check_expression_attributes, names, values) == message


def test_expression_attribute_values_come_back_normalised() -> None:
    assert check_expression_attributes({"#a": "a"}, {":v": {"N": "1.50"}}) == {":v": {"N": "1.5"}}
    assert check_expression_attributes(None, None) is None


def test_unused_names_and_values_across_a_request() -> None:
    names = {"#a": "a", "#b": "b", "#unused": "x"}
    values = {":v": {"S": "x"}, ":w": {"S": "y"}, ":unused": {"S": "z"}, ":also": {"N": "1"}}
    update = parse_update("SET #a = :v", names, values)
    condition = parse_condition("#b = :w", names, values)
    assert message_of(check_unused, names, values, update, condition) == (
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"
    )
    del names["#unused"]
    assert message_of(check_unused, names, values, update, condition) == (
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused, :also}"
    )
    check_unused(names, {":v": values[":v"], ":w": values[":w"]}, update, condition, None)


def test_every_kind_of_parsed_expression_counts() -> None:
    names = {"#p": "pk", "#x": "x"}
    values = {":p": {"S": "k"}}
    key = parse_key_condition("#p = :p", names, values, "pk", None)
    projection = parse_projection("#x", names)
    check_unused(names, values, key, projection)
    assert message_of(check_unused, names, values, key) == (
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}"
    )
