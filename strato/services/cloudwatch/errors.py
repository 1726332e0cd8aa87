"""CloudWatch's own error codes, with the messages AWS words them in."""

from __future__ import annotations

from ...protocol import ServiceError


def invalid_value(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValue", message, 400)


def invalid_combination(message: str) -> ServiceError:
    return ServiceError("InvalidParameterCombination", message, 400)


def missing_parameter(name: str) -> ServiceError:
    return ServiceError("MissingParameter", f"The parameter {name} is required.", 400)


def validation_error(message: str) -> ServiceError:
    """GetMetricData's input errors: AWS sends the unmodelled `ValidationError`."""
    return ServiceError("ValidationError", message, 400)


def invalid_next_token() -> ServiceError:
    return ServiceError("InvalidNextToken", "The service cannot process the NextToken.", 400)


def resource_not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFound", message, 404)


def bad_value(name: str, value: object) -> ServiceError:
    return invalid_value(f"The value {value} for parameter {name} is invalid.")


def invalid_format(message: str) -> ServiceError:
    return ServiceError("InvalidFormat", message, 400)
