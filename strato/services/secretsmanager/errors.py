"""Secrets Manager errors, with the codes and messages the service itself returns."""

from __future__ import annotations

from ...protocol import ServiceError


def not_found(message: str = "Secrets Manager can't find the specified secret.") -> ServiceError:
    return ServiceError("ResourceNotFoundException", message, 400)


def exists(message: str) -> ServiceError:
    return ServiceError("ResourceExistsException", message, 400)


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message, 400)


def invalid_request(message: str) -> ServiceError:
    return ServiceError("InvalidRequestException", message, 400)


def marked_for_deletion() -> ServiceError:
    return invalid_request(
        "You can't perform this operation on the secret because it was marked for deletion."
    )


def malformed_policy() -> ServiceError:
    return ServiceError(
        "MalformedPolicyDocumentException", "This resource policy contains an unsupported key.", 400
    )
