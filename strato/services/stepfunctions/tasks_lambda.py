"""Lambda from a Task: a function ARN as the Resource, or `arn:aws:states:::lambda:invoke`.

A function that fails ends the task with its `errorType` as the error (`Lambda.Unknown`
when it gives none) and its error payload, as JSON text, as the cause. A failure of the
Lambda service itself is `Lambda.<Exception>` (`Lambda.ResourceNotFoundException`,
`Lambda.TooManyRequestsException`; `Lambda.AWSLambdaException` when unmodeled).
"""

from __future__ import annotations

import json
from typing import Any

from ...asl import TaskFailure
from ...auth import RequestContext
from ...platform import Platform
from ...protocol import ServiceError
from .tasks_calls import call_context, call_provider, exception_class, operation_for, spec_for
from .tasks_metadata import sdk_metadata, v1_cause

_PARAMETERS = ("FunctionName", "Payload", "Qualifier", "InvocationType", "LogType", "ClientContext")


def is_function_arn(resource: str) -> bool:
    parts = resource.split(":")
    return len(parts) >= 7 and parts[0] == "arn" and parts[2] == "lambda" and parts[5] == "function"


async def invoke_function_arn(
    platform: Platform, ctx: RequestContext, resource: str, parameters: Any
) -> Any:
    """The legacy form: the effective input is the event, the function's JSON is the result."""
    params = {"FunctionName": resource, "Payload": _json(parameters)}
    out, _ = await _invoke_with_id(platform, ctx, params)
    return _payload_value(out.get("Payload"))


async def invoke_lambda_task(platform: Platform, ctx: RequestContext, parameters: Any) -> Any:
    """`lambda:invoke`: the Invoke API's answer with the payload parsed and the SDK's metadata."""
    if not isinstance(parameters, dict) or "FunctionName" not in parameters:
        raise TaskFailure(
            "States.Runtime",
            "The parameters of lambda:invoke must be an object with a 'FunctionName' field.",
        )
    unknown = sorted(set(parameters) - set(_PARAMETERS))
    if unknown:
        raise TaskFailure(
            "States.Runtime",
            f"The field '{unknown[0]}' is not supported by Step Functions for lambda:invoke.",
        )
    params = {k: v for k, v in parameters.items() if k != "Payload" and v is not None}
    if "Payload" in parameters:
        params["Payload"] = _payload_bytes(parameters["Payload"])
    out, request_id = await _invoke_with_id(platform, ctx, params)
    payload = out.get("Payload") or b""
    version = out.get("ExecutedVersion")
    headers = {"Content-Type": "application/json", "x-amzn-Remapped-Content-Length": "0"}
    if version:
        headers["X-Amz-Executed-Version"] = version
    result: dict[str, Any] = {}
    if version:
        result["ExecutedVersion"] = version
    if "LogResult" in out:
        result["LogResult"] = out["LogResult"]
    result["Payload"] = _payload_value(payload) if payload else ""  # "" for Event invocations
    metadata = sdk_metadata(
        platform.clock.now(),
        request_id,
        headers,
        content_length=len(bytes(payload)),
        status=out.get("StatusCode", 200),
    )
    result.update(metadata)
    result["StatusCode"] = out.get("StatusCode", 200)
    return result


async def _invoke_with_id(
    platform: Platform, ctx: RequestContext, params: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    spec = spec_for("lambda")
    if spec is None:
        raise TaskFailure("States.TaskFailed", "Strato does not host Lambda in this process.")
    op = operation_for(spec, "Invoke")
    assert op is not None
    call_ctx = call_context(ctx, spec, op)
    try:
        out = await call_provider(platform, call_ctx, spec, op, params)
    except ServiceError as err:
        name = exception_class(spec, err) or "AWSLambdaException"
        raise TaskFailure(
            f"Lambda.{name}", v1_cause(err, "AWSLambda", err.code, call_ctx.request_id)
        ) from None
    if out.get("FunctionError"):
        raise _function_error(out.get("Payload") or b"")
    return out, call_ctx.request_id


def _function_error(payload: bytes) -> TaskFailure:
    """The error payload, re-written compactly as Step Functions puts it in the cause."""
    text = bytes(payload).decode(errors="replace")
    try:
        body = json.loads(text)
    except ValueError:
        return TaskFailure("Lambda.Unknown", text)
    error_type = body.get("errorType") if isinstance(body, dict) else None
    if not isinstance(error_type, str) or not error_type:
        error_type = "Lambda.Unknown"
    return TaskFailure(error_type, _json(body).decode())


def _payload_bytes(value: Any) -> bytes:
    """A Payload given as JSON text is sent as it is; any other value as its JSON."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return _json(value)
        return value.encode()
    return _json(value)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _payload_value(payload: Any) -> Any:
    """The function's answer as JSON when it is JSON (as AWS parses it), else its text."""
    text = bytes(payload or b"").decode(errors="replace")
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
