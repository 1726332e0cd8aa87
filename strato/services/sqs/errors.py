"""SQS's errors, with AWS's codes and messages (shape names; legacy codes come from the wire)."""

from __future__ import annotations

from ...protocol import ServiceError


def queue_does_not_exist() -> ServiceError:
    return ServiceError("QueueDoesNotExist", "The specified queue does not exist.", 400)


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValue", message, 400)


def invalid_value(name: str, value: object, reason: str) -> ServiceError:
    return invalid_parameter(f"Value {value} for parameter {name} is invalid. Reason: {reason}")


def missing_parameter(name: str) -> ServiceError:
    return ServiceError("MissingParameter", f"The request must contain the parameter {name}.", 400)


def invalid_attribute_value(name: str, detail: str = "") -> ServiceError:
    message = f"Invalid value for the parameter {name}."
    return ServiceError("InvalidAttributeValue", f"{message} {detail}".strip(), 400)


def invalid_attribute_name(name: str) -> ServiceError:
    return ServiceError("InvalidAttributeName", f"Unknown Attribute {name}.", 400)


def receipt_handle_invalid(handle: str) -> ServiceError:
    return ServiceError(
        "ReceiptHandleIsInvalid",
        f'The input receipt handle "{handle}" is not a valid receipt handle.',
    )


def message_not_inflight() -> ServiceError:
    return ServiceError(
        "MessageNotInflight",
        "Message does not exist or is not available for visibility timeout change.",
    )


def resource_not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message, 404)
