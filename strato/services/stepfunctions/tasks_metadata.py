"""What optimised integrations add to a result and to an error's cause: the SDK's HTTP metadata.

Step Functions' optimised integrations run on the AWS SDK for Java 1.x and copy its
response metadata into the result (`SdkHttpMetadata`, `SdkResponseMetadata`) and its
exception text into the cause; `aws-sdk:` tasks use the 2.x SDK's wording instead.
"""

from __future__ import annotations

import json
from typing import Any

from ...protocol import ServiceError
from ...protocol.timestamps import format_timestamp


def json_length(body: Any) -> int:
    """The length of `body` written as compact JSON (a response's Content-Length)."""
    return len(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())


def sdk_metadata(
    now: float, request_id: str, headers: dict[str, str], content_length: int, status: int = 200
) -> dict[str, Any]:
    """`SdkHttpMetadata` and `SdkResponseMetadata` for one response."""
    all_headers = {
        "Connection": "keep-alive",
        "Content-Length": str(content_length),
        "Date": str(format_timestamp(now, "rfc822")),
        "x-amzn-RequestId": request_id,
        **headers,
    }
    return {
        "SdkHttpMetadata": {
            "AllHttpHeaders": {k: [v] for k, v in all_headers.items()},
            "HttpHeaders": all_headers,
            "HttpStatusCode": status,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def v1_cause(err: ServiceError, service: str, code: str, request_id: str) -> str:
    """An error's cause as the 1.x SDK words its exception (optimised integrations)."""
    return (
        f"{err.message} (Service: {service}; Status Code: {err.status}; Error Code: {code}; "
        f"Request ID: {request_id}; Proxy: null)"
    )


def v2_cause(err: ServiceError, service: str, request_id: str, extended: bool = False) -> str:
    """An error's cause as the 2.x SDK words its exception (`aws-sdk:` tasks)."""
    details = f"Service: {service}, Status Code: {err.status}, Request ID: {request_id}"
    if extended:  # S3 answers with a host id as well
        details += f", Extended Request ID: {request_id}"
    return f"{err.message} ({details})"
