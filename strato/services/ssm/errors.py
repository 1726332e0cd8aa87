"""Parameter Store errors, with the codes and messages the service itself returns."""

from __future__ import annotations

from ...protocol import ServiceError


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def not_found(message: str = "") -> ServiceError:
    return ServiceError("ParameterNotFound", message, 400)


def version_not_found(name: str, selector: str) -> ServiceError:
    return ServiceError(
        "ParameterVersionNotFound",
        f"Systems Manager could not find version {selector} of {name}. "
        "Verify the version and try again.",
        400,
    )


def already_exists() -> ServiceError:
    return ServiceError(
        "ParameterAlreadyExists",
        "The parameter already exists. To overwrite this value, set the overwrite option in the "
        "request to true.",
        400,
    )


def pattern_mismatch(value: str, pattern: str) -> ServiceError:
    return ServiceError(
        "ParameterPatternMismatchException",
        f"Parameter value, {value}, failed to satisfy constraint: Member must satisfy regular "
        f"expression pattern: {pattern}",
        400,
    )


def invalid_token() -> ServiceError:
    return ServiceError("InvalidNextToken", "The specified token is not valid.", 400)
