"""What the runtime needs to know about one function version to run it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FunctionSpec:
    account_id: str
    region: str
    name: str
    version: str  # "$LATEST" or a published version number
    arn: str  # the unqualified function ARN
    runtime: str
    handler: str
    memory_mb: int
    timeout_s: float
    code_dir: str  # the unpacked deployment package
    layers_dir: str | None  # the layers merged as /opt shows them
    log_group: str
    revision: str  # changes with every code or configuration change: new environments
    environment: tuple[tuple[str, str], ...] = ()
    credentials: tuple[str, str] = ("test", "test")
    ephemeral_mb: int = 512
    log_format: str = "Text"
    application_log_level: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.account_id, self.region, self.name, self.version)
