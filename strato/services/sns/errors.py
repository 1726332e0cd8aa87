"""SNS's errors, with AWS's codes, statuses and messages."""

from __future__ import annotations

from ...protocol import ServiceError


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameter", f"Invalid parameter: {message}", 400)


def invalid_parameter_value(message: str) -> ServiceError:
    return ServiceError("ParameterValueInvalid", message, 400)


def not_found(message: str) -> ServiceError:
    return ServiceError("NotFound", message, 404)


def topic_not_found() -> ServiceError:
    return not_found("Topic does not exist")


def subscription_not_found() -> ServiceError:
    return not_found("Subscription does not exist")


def resource_not_found() -> ServiceError:
    return ServiceError("ResourceNotFound", "Resource does not exist", 404)


def tag_limit_exceeded() -> ServiceError:
    return ServiceError(
        "TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded", 400
    )
