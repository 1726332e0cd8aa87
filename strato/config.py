"""Settings for one Strato process, from flags, then STRATO_* environment variables, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() not in ("0", "false", "no", "off", "")


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 4566
    state_dir: str = ".strato"
    verify_signatures: bool = True
    config_file: str | None = None
    default_region: str = "us-east-1"
    log_level: str = "warning"
    lambda_concurrency_limit: int = 1000
    lambda_keepalive_s: float = 600.0

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        s = cls(
            host=os.environ.get("STRATO_HOST", cls.host),
            port=int(os.environ.get("STRATO_PORT", cls.port)),
            state_dir=os.environ.get("STRATO_STATE_DIR", cls.state_dir),
            verify_signatures=_env_bool("STRATO_VERIFY_SIGNATURES", True),
            config_file=os.environ.get("STRATO_CONFIG"),
            default_region=os.environ.get("STRATO_DEFAULT_REGION", cls.default_region),
            log_level=os.environ.get("STRATO_LOG_LEVEL", cls.log_level),
            lambda_concurrency_limit=int(
                os.environ.get("STRATO_LAMBDA_CONCURRENCY", cls.lambda_concurrency_limit)
            ),
            lambda_keepalive_s=float(
                os.environ.get("STRATO_LAMBDA_KEEPALIVE", cls.lambda_keepalive_s)
            ),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(s, key, value)
        s.state_dir = os.path.abspath(s.state_dir)
        if s.config_file is None:
            candidate = os.path.join(s.state_dir, "config.json")
            s.config_file = candidate if os.path.exists(candidate) else None
        return s
