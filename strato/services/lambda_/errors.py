"""Lambda's errors, with AWS's codes, statuses and messages."""

from __future__ import annotations

from ...protocol import ServiceError


def not_found(arn: str, what: str = "Function") -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException",
        f"{what} not found: {arn}",
        404,
        Type="User",
        Message=f"{what} not found: {arn}",
    )


def conflict(message: str) -> ServiceError:
    return ServiceError("ResourceConflictException", message, 409, Type="User")


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValueException", message, 400, Type="User")


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def too_large(message: str) -> ServiceError:
    return ServiceError("RequestEntityTooLargeException", message, 413, Type="User")


def resource_not_found(message: str) -> ServiceError:
    """ResourceNotFoundException with a message of its own (not "Function not found: ...")."""
    return ServiceError("ResourceNotFoundException", message, 404, Type="User", Message=message)


def revision_mismatch() -> ServiceError:
    return ServiceError(
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias "
        "API to retrieve the latest Revision Id",
        412,
        Type="User",
    )
