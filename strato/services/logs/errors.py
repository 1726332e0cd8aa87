"""CloudWatch Logs errors, with the codes and messages the service itself returns."""

from __future__ import annotations

from ...protocol import ServiceError


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message, 400)


def group_not_found() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "The specified log group does not exist.", 400)


def stream_not_found() -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException", "The specified log stream does not exist.", 400
    )


def group_exists() -> ServiceError:
    return ServiceError(
        "ResourceAlreadyExistsException", "The specified log group already exists", 400
    )


def stream_exists() -> ServiceError:
    return ServiceError(
        "ResourceAlreadyExistsException", "The specified log stream already exists", 400
    )


def filter_not_found(kind: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"The specified {kind} does not exist.", 400)


def invalid_filter_pattern() -> ServiceError:
    return invalid_parameter("Invalid filter pattern")


def invalid_token() -> ServiceError:
    return invalid_parameter("The specified nextToken is invalid.")


def limit_exceeded() -> ServiceError:
    return ServiceError("LimitExceededException", "Resource limit exceeded.", 400)
