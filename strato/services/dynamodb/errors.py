"""DynamoDB's errors, with the codes, statuses and messages DynamoDB itself returns."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ...protocol import ServiceError
from .expressions import DynamoValidationError

F = TypeVar("F", bound=Callable[..., Any])

INVALID = "One or more parameter values were invalid: "
NOT_VALID = "One or more parameter values are not valid. "


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def invalid(detail: str) -> ServiceError:
    """The usual "One or more parameter values were invalid: ..." ValidationException."""
    return validation(INVALID + detail)


def table_not_found(name: str) -> ServiceError:
    """What the control plane (DescribeTable, DeleteTable, ...) says about a missing table."""
    return ServiceError(
        "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found", 400
    )


def resource_not_found(message: str = "Requested resource not found") -> ServiceError:
    """What the data plane (GetItem, Query, ...) says about a missing table."""
    return ServiceError("ResourceNotFoundException", message, 400)


def resource_in_use(message: str) -> ServiceError:
    return ServiceError("ResourceInUseException", message, 400)


def limit_exceeded(message: str) -> ServiceError:
    return ServiceError("LimitExceededException", message, 400)


def conditional_check_failed(item: dict[str, Any] | None = None) -> ServiceError:
    return ServiceError(
        "ConditionalCheckFailedException", "The conditional request failed", 400, Item=item
    )


def transaction_canceled(reasons: list[dict[str, Any]]) -> ServiceError:
    codes = ", ".join(r["Code"] for r in reasons)
    return ServiceError(
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        400,
        CancellationReasons=reasons,
    )


def idempotent_parameter_mismatch() -> ServiceError:
    return ServiceError(
        "IdempotentParameterMismatchException",
        "The request uses the same client token as a previous, but non-identical request.",
        400,
    )


def no_such_resource_arn(arn: str) -> ServiceError:
    # AWS's own spelling ("ResourcArn").
    return resource_not_found(f"Requested resource not found: ResourcArn: {arn} not found")


def operation(fn: F) -> F:
    """Report the expression engine's (and attribute checks') errors as ValidationException."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DynamoValidationError as e:
            raise validation(e.message) from None

    return run  # type: ignore[return-value]
