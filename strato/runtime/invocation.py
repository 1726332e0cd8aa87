"""One function invocation as the runtime sees it, and its outcome."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Invocation:
    request_id: str
    payload: bytes
    deadline_ms: int = 0  # set when the invocation is handed to a sandbox
    invoked_arn: str = ""
    trace_id: str = ""
    client_context: str | None = None  # JSON text
    cognito_identity: str | None = None  # JSON text
    lineage: int = 0  # how many invocations deep this call chain is (recursion guard)


@dataclass
class Outcome:
    """What the function returned: a payload, or an error payload and its type."""

    payload: bytes
    error_type: str | None = None  # None on success
    log_tail: str = ""  # the invocation's log lines (START .. REPORT)
    duration_ms: float = 0.0
    init_duration_ms: float | None = None
    max_memory_mb: int = 0
    executed_version: str = "$LATEST"
    extra: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.error_type is not None
