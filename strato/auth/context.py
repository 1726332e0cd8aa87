"""Who is calling, in which account and region: every provider call runs under one."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RequestContext:
    account_id: str
    region: str
    principal_arn: str
    access_key_id: str | None
    request_id: str
    service: str = ""
    operation: str = ""
    host: str = ""
    extras: dict = field(default_factory=dict)

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return (
            f"arn:aws:{service}:{self.region if region else ''}:"
            f"{self.account_id if account else ''}:{resource}"
        )
