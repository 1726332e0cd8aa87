"""The one error the expression engine raises: a ValidationException with AWS's message."""

from __future__ import annotations


class DynamoValidationError(Exception):
    """Bad input; the provider answers ValidationException (HTTP 400) with `.message`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
