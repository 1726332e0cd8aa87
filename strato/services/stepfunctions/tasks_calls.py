"""One API call from a Task state to a hosted service: the provider method the HTTP path reaches.

The parameters go through the same validation as a request (botocore's model, AWS's
messages), the provider's own `authorize` check, then `provider.<snake_case op>(ctx, params)`.
Errors stay `ServiceError`s here; the integrations name them as Step Functions does.
"""

from __future__ import annotations

import dataclasses
import uuid
from functools import cache
from typing import Any

from botocore.model import OperationModel, Shape

from ...auth import RequestContext
from ...platform import Platform
from ...protocol import ServiceError, validate_params
from ..registry import ServiceSpec, hosted_services


@cache
def hosted_specs() -> dict[str, ServiceSpec]:
    """Hosted services by botocore name (their models are loaded once per process)."""
    return {spec.name: spec for spec in hosted_services()}


def spec_for(service: str) -> ServiceSpec | None:
    return hosted_specs().get(service)


@cache
def _operations_by_lower(service: str) -> dict[str, str]:
    return {name.lower(): name for name in hosted_specs()[service].model.operation_names}


def operation_for(spec: ServiceSpec, action: str) -> OperationModel | None:
    """`getObject` (or `GetObject`) -> S3's GetObject operation."""
    name = _operations_by_lower(spec.name).get(action.lower())
    return spec.model.operation_model(name) if name is not None else None


def call_context(ctx: RequestContext, spec: ServiceSpec, op: OperationModel) -> RequestContext:
    """The state machine's identity, as one request of its own to `spec`."""
    return dataclasses.replace(
        ctx,
        request_id=str(uuid.uuid4()),
        service=spec.name,
        operation=op.name,
        extras=dict(ctx.extras),
    )


async def call_provider(
    platform: Platform,
    ctx: RequestContext,
    spec: ServiceSpec,
    op: OperationModel,
    params: dict[str, Any],
) -> dict[str, Any]:
    """Run `op` with already converted `params` under `ctx`; raises ServiceError as AWS answers."""
    validate_params(op, params, spec.validation_error_code)
    result = await platform.call(spec.name, op.name, ctx, params)
    return dict(result or {})


def error_shape(spec: ServiceSpec, code: str) -> Shape | None:
    """The modeled exception for `code`, given as its wire code or its shape name."""
    model = spec.model
    shape = model.shape_for_error_code(code)
    if shape is None and code in _shape_names(spec.name):
        candidate = model.shape_for(code)
        if candidate.metadata.get("exception"):
            shape = candidate
    return shape


@cache
def _shape_names(service: str) -> frozenset[str]:
    return frozenset(hosted_specs()[service].model.shape_names)


def exception_class(spec: ServiceSpec, err: ServiceError) -> str | None:
    """The AWS SDK's class name for a modeled error (`NoSuchKey` -> `NoSuchKeyException`)."""
    shape = error_shape(spec, err.code)
    if shape is None:
        return None
    return shape.name if shape.name.endswith("Exception") else shape.name + "Exception"


def wire_error_code(spec: ServiceSpec, err: ServiceError) -> str:
    """The code a client reads from the wire (SQS's legacy query codes included)."""
    shape = error_shape(spec, err.code)
    if shape is None:
        return err.code
    code = shape.error_code or shape.name
    return spec.wire.query_error_codes.get(shape.name, code)
