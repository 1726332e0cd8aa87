"""The errors EventBridge answers with."""

from __future__ import annotations

from ...protocol import ServiceError


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def bus_not_found(name: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Event bus {name} does not exist.")


def rule_not_found(rule: str, bus: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException", f"Rule {rule} does not exist on EventBus {bus}."
    )


def already_exists(message: str) -> ServiceError:
    return ServiceError("ResourceAlreadyExistsException", message)


def limit_exceeded(message: str) -> ServiceError:
    return ServiceError("LimitExceededException", message)


def invalid_pattern(message: str) -> ServiceError:
    return ServiceError("InvalidEventPatternException", message)
