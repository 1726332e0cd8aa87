"""Optimised integrations: sqs:sendMessage, sns:publish, dynamodb:*Item, events:putEvents.

Parameters and results are the service's own JSON (DynamoDB's typed attribute values, base64
blobs). A message body, an SNS message or an event's detail given as JSON is sent as its
JSON text. Results carry the SDK's HTTP metadata, except EventBridge's; a PutEvents with a
failed entry fails the task with `EventBridge.FailedEntry`. Errors are named as the AWS SDK
for Java 1.x names its exceptions: `DynamoDB.ConditionalCheckFailedException`,
`SQS.QueueDoesNotExistException`, `SQS.AmazonSQSException` for an unmodeled one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from ...asl import TaskFailure
from ...auth import RequestContext
from ...platform import Platform
from ...protocol import ServiceError
from ...protocol.scalars import BadValue
from .tasks_calls import (
    call_context,
    call_provider,
    exception_class,
    operation_for,
    spec_for,
    wire_error_code,
)
from .tasks_metadata import json_length, sdk_metadata, v1_cause
from .tasks_shapes import UnknownField, wire_params, wire_result

log = logging.getLogger("strato.stepfunctions")


@dataclass(frozen=True)
class Optimised:
    service: str  # botocore's name
    operation: str
    prefix: str  # the error name's prefix
    base_exception: str  # the SDK's exception for an unmodeled error
    sdk_service: str  # how the SDK's exception text names the service
    headers: tuple[tuple[str, str], ...] = ()
    metadata: bool = True


_DYNAMODB = dict(
    service="dynamodb",
    prefix="DynamoDB",
    base_exception="AmazonDynamoDBException",
    sdk_service="AmazonDynamoDBv2",
    headers=(("Content-Type", "application/x-amz-json-1.0"), ("Server", "Server")),
)
_QUERY_XML = (("Content-Type", "text/xml"),)

INTEGRATIONS: dict[str, Optimised] = {
    "sqs:sendMessage": Optimised(
        "sqs", "SendMessage", "SQS", "AmazonSQSException", "AmazonSQS", _QUERY_XML
    ),
    "sns:publish": Optimised(
        "sns", "Publish", "SNS", "AmazonSNSException", "AmazonSNS", _QUERY_XML
    ),
    "dynamodb:getItem": Optimised(operation="GetItem", **_DYNAMODB),
    "dynamodb:putItem": Optimised(operation="PutItem", **_DYNAMODB),
    "dynamodb:updateItem": Optimised(operation="UpdateItem", **_DYNAMODB),
    "dynamodb:deleteItem": Optimised(operation="DeleteItem", **_DYNAMODB),
    "events:putEvents": Optimised(
        "events",
        "PutEvents",
        "EventBridge",
        "AmazonEventBridgeException",
        "AmazonEventBridge",
        metadata=False,
    ),
}


async def run_optimised(platform: Platform, ctx: RequestContext, name: str, parameters: Any) -> Any:
    """Run the optimised integration `name` (`sqs:sendMessage`, ...)."""
    if name == "apigateway:invoke":
        raise TaskFailure(
            "States.TaskFailed",
            "Strato does not host API Gateway yet, so arn:aws:states:::apigateway:invoke cannot "
            "run. Mock this state with a Step Functions Local mock configuration (SFN_MOCK_CONFIG).",
        )
    integration = INTEGRATIONS[name]
    spec = spec_for(integration.service)
    if spec is None:
        raise TaskFailure("States.TaskFailed", f"Strato does not host {integration.service}.")
    op = operation_for(spec, integration.operation)
    assert op is not None
    if not isinstance(parameters, dict):
        raise TaskFailure("States.Runtime", f"The parameters of {name} must be a JSON object.")
    call_ctx = call_context(ctx, spec, op)
    try:
        try:
            params = wire_params(op.input_shape, _as_text_fields(integration, parameters))
        except UnknownField as e:
            raise TaskFailure(
                "States.Runtime",
                f"The field '{e.path}' is not supported by Step Functions for {name}.",
            ) from None
        except BadValue as e:
            raise ServiceError(spec.validation_error_code, str(e), 400) from None
        output = await call_provider(platform, call_ctx, spec, op, params)
    except ServiceError as err:
        error = exception_class(spec, err) or integration.base_exception
        code = wire_error_code(spec, err)
        raise TaskFailure(
            f"{integration.prefix}.{error}",
            v1_cause(err, integration.sdk_service, code, call_ctx.request_id),
        ) from None
    except TaskFailure:
        raise
    except Exception:
        log.exception("%s task failed inside Strato", name)
        raise TaskFailure(
            f"{integration.prefix}.{integration.base_exception}",
            "We encountered an internal error. Please try again.",
        ) from None
    result = wire_result(op.output_shape, output) if op.output_shape is not None else {}
    if name == "events:putEvents" and result.get("FailedEntryCount"):
        raise TaskFailure("EventBridge.FailedEntry", json.dumps(result, separators=(",", ":")))
    if integration.metadata:
        result.update(
            sdk_metadata(
                platform.clock.now(),
                call_ctx.request_id,
                dict(integration.headers),
                content_length=json_length(result),
            )
        )
    return result


def _as_text_fields(integration: Optimised, parameters: dict[str, Any]) -> dict[str, Any]:
    """Bodies given as JSON values are sent as their JSON text, as Step Functions does."""
    if integration.operation == "SendMessage":
        return _with_text(parameters, "MessageBody")
    if integration.operation == "Publish":
        return _with_text(parameters, "Message")
    if integration.operation == "PutEvents" and isinstance(parameters.get("Entries"), list):
        entries = [
            _with_text(e, "Detail") if isinstance(e, dict) else e for e in parameters["Entries"]
        ]
        return {**parameters, "Entries": entries}
    return parameters


def _with_text(value: dict[str, Any], field: str) -> dict[str, Any]:
    item = value.get(field)
    if item is None or isinstance(item, str):
        return value
    return {**value, field: json.dumps(item, separators=(",", ":"), ensure_ascii=False)}
