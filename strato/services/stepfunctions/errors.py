"""The errors Step Functions answers with, worded as AWS words them."""

from __future__ import annotations

from ...protocol import ServiceError


def invalid_arn(detail: str) -> ServiceError:
    return ServiceError("InvalidArn", f"Invalid Arn: '{detail}'")


def invalid_name(name: str) -> ServiceError:
    return ServiceError("InvalidName", f"Invalid Name: '{name}'")


def invalid_definition(message: str) -> ServiceError:
    return ServiceError("InvalidDefinition", message)


def invalid_token(detail: str = "Invalid token") -> ServiceError:
    return ServiceError("InvalidToken", f"Invalid Token: '{detail}'")


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def conflict(message: str) -> ServiceError:
    return ServiceError("ConflictException", message)


def machine_not_found(arn: str) -> ServiceError:
    return ServiceError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def machine_exists(arn: str) -> ServiceError:
    return ServiceError("StateMachineAlreadyExists", f"State Machine Already Exists: '{arn}'")


def execution_not_found(arn: str) -> ServiceError:
    return ServiceError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")


def execution_exists(arn: str) -> ServiceError:
    return ServiceError("ExecutionAlreadyExists", f"Execution Already Exists: '{arn}'")


def activity_not_found(arn: str) -> ServiceError:
    return ServiceError("ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")


def resource_not_found(arn: str) -> ServiceError:
    return ServiceError("ResourceNotFound", f"Resource not found: '{arn}'", resourceName=arn)


def invalid_input(detail: str) -> ServiceError:
    return ServiceError(
        "InvalidExecutionInput", f"Invalid State Machine Execution Input: '{detail}'"
    )


def type_not_supported(message: str) -> ServiceError:
    return ServiceError("StateMachineTypeNotSupported", message)


def task_not_found() -> ServiceError:
    return ServiceError("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist'")


def task_timed_out() -> ServiceError:
    return ServiceError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")


def invalid_output(detail: str) -> ServiceError:
    return ServiceError("InvalidOutput", f"Invalid Output: '{detail}'")


def too_many_tags(arn: str) -> ServiceError:
    return ServiceError(
        "TooManyTags", "Too many tags: the resource can have at most 50 tags.", resourceName=arn
    )


def not_redrivable(message: str) -> ServiceError:
    return ServiceError("ExecutionNotRedrivable", message)
