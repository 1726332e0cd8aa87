"""Model validation errors read the way AWS's own validation words them."""

from __future__ import annotations

import botocore.session
import pytest

from strato.protocol import ServiceError
from strato.protocol.parser import validate_params

_session = botocore.session.get_session()


def _message(service: str, operation: str, params: dict) -> str:
    op = _session.get_service_model(service).operation_model(operation)
    with pytest.raises(ServiceError) as e:
        validate_params(op, params, "ValidationException")
    return e.value.message


def test_short_values_are_shown_with_aws_paths():
    message = _message(
        "logs",
        "PutLogEvents",
        {
            "logGroupName": "g",
            "logStreamName": "s",
            "logEvents": [{"timestamp": 1, "message": "ok"}, {"timestamp": 1, "message": ""}],
        },
    )
    assert message == (
        "1 validation error detected: Value '' at 'logEvents.2.member.message' failed to "
        "satisfy constraint: Member must have length greater than or equal to 1"
    )


def test_missing_members_and_several_errors():
    message = _message("dynamodb", "GetItem", {"Key": {}})
    assert (
        message
        == "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
    )
    message = _message(
        "lambda", "CreateFunction", {"FunctionName": "", "Role": "r", "Code": {}, "MemorySize": 64}
    )
    assert message.startswith("2 validation errors detected: ")
    assert "Value '' at 'functionName'" in message and "Value '64' at 'memorySize'" in message
