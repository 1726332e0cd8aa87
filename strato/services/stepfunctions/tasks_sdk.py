"""`arn:aws:states:::aws-sdk:<service>:<action>`: any operation of any hosted service.

The action is the API's operation in camelCase, the parameters its input members in
PascalCase; the result is the output in PascalCase. Errors are `<Service>.<Exception>`
with the service named as the AWS SDK for Java 2.x names its client (`DynamoDb`, `Sqs`),
and every exception name ending in `Exception` (`S3.NoSuchKeyException`); an error the
model does not list is the service's base exception (`DynamoDb.DynamoDbException`).
"""

from __future__ import annotations

import logging
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
)
from .tasks_metadata import v2_cause
from .tasks_shapes import UnknownField, sdk_result, to_params

log = logging.getLogger("strato.stepfunctions")

# Step Functions' service name -> (botocore's service name, the Java 2.x client's prefix).
SERVICES: dict[str, tuple[str, str]] = {
    "cloudwatch": ("cloudwatch", "CloudWatch"),
    "cloudwatchlogs": ("logs", "CloudWatchLogs"),
    "dynamodb": ("dynamodb", "DynamoDb"),
    "dynamodbstreams": ("dynamodbstreams", "DynamoDbStreams"),
    "eventbridge": ("events", "EventBridge"),
    "lambda": ("lambda", "Lambda"),
    "s3": ("s3", "S3"),
    "secretsmanager": ("secretsmanager", "SecretsManager"),
    "sfn": ("stepfunctions", "Sfn"),
    "sns": ("sns", "Sns"),
    "sqs": ("sqs", "Sqs"),
    "ssm": ("ssm", "Ssm"),
    "sts": ("sts", "Sts"),
}

SDK_PREFIX = "arn:aws:states:::aws-sdk:"


async def run_sdk_task(
    platform: Platform, ctx: RequestContext, resource: str, parameters: Any
) -> Any:
    service_name, _, action = normalise_partition(resource)[len(SDK_PREFIX) :].partition(":")
    known = SERVICES.get(service_name.lower())
    spec = spec_for(known[0]) if known is not None else None
    if known is None or spec is None:
        raise TaskFailure(
            "States.TaskFailed",
            f"Strato does not host the '{service_name}' service ({resource}). "
            "Mock this state with a Step Functions Local mock configuration (SFN_MOCK_CONFIG).",
        )
    prefix = known[1]
    op = operation_for(spec, action)
    if op is None or not action[:1].islower():
        raise TaskFailure(
            "States.Runtime",
            f"The resource '{resource}' is not supported: {service_name} has no API action "
            f"'{action}'.",
        )
    call_ctx = call_context(ctx, spec, op)
    try:
        if parameters is None:
            parameters = {}
        if not isinstance(parameters, dict):
            raise TaskFailure(
                "States.Runtime",
                f"The parameters of {service_name}:{action} must be a JSON object.",
            )
        try:
            params = to_params(op.input_shape, parameters) if op.input_shape is not None else {}
        except UnknownField as e:
            raise TaskFailure(
                "States.Runtime",
                f"The field '{e.path}' is not supported by Step Functions for "
                f"{service_name}:{action}.",
            ) from None
        except BadValue as e:
            raise ServiceError(spec.validation_error_code, str(e), 400) from None
        output = await call_provider(platform, call_ctx, spec, op, params)
    except ServiceError as err:
        name = exception_class(spec, err) or f"{prefix}Exception"
        raise TaskFailure(
            f"{prefix}.{name}",
            v2_cause(err, prefix, call_ctx.request_id, extended=spec.name == "s3"),
        ) from None
    except TaskFailure:
        raise
    except Exception:
        log.exception("aws-sdk task %s failed inside Strato", resource)
        raise TaskFailure(
            f"{prefix}.{prefix}Exception",
            "We encountered an internal error. Please try again. "
            f"(Service: {prefix}, Status Code: 500, Request ID: {call_ctx.request_id})",
        ) from None
    return sdk_result(op.output_shape, output) if op.output_shape is not None else {}


def normalise_partition(resource: str) -> str:
    """The resource with any partition (`aws-cn`, `aws-us-gov`) spelled `aws`."""
    parts = resource.split(":", 2)
    if len(parts) == 3 and parts[0] == "arn" and parts[1].startswith("aws"):
        return f"arn:aws:{parts[2]}"
    return resource
