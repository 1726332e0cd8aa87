"""The one exception type providers raise; protocol serializers render it per protocol."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """An AWS error: code, message, HTTP status and any modeled extra fields."""

    def __init__(
        self,
        code: str,
        message: str = "",
        status: int = 400,
        *,
        sender_fault: bool = True,
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.headers = headers or {}
        self.fields = fields


class NotModified(ServiceError):
    """HTTP 304 with no body (S3 conditional GET)."""

    def __init__(self, headers: dict[str, str] | None = None) -> None:
        super().__init__("NotModified", "Not Modified", 304, headers=headers)


def validation_error(
    message: str, code: str = "ValidationException", status: int = 400
) -> ServiceError:
    return ServiceError(code, message, status)
