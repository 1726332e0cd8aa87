"""What every provider is built with: the store, the clock, the settings, the access keys and each other."""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from botocore import xform_name

from .auth.accounts import AccountRegistry
from .clock import Clock
from .config import Settings
from .events import Outbox
from .protocol import ServiceError
from .store import Store, open_store

_PLATFORM = "platform"  # the platform's own settings in the store
_CLOCK_OFFSET = b"clock-offset"


@dataclass
class Platform:
    settings: Settings
    store: Store
    clock: Clock
    accounts: AccountRegistry
    providers: dict[str, Any] = field(default_factory=dict)
    outbox: Outbox = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = Outbox(self.store, self.clock)

    @classmethod
    def open(cls, settings: Settings) -> Platform:
        store = open_store(settings.state_dir)
        return cls(
            settings=settings,
            store=store,
            clock=Clock(store.get(_PLATFORM, _CLOCK_OFFSET) or 0.0),
            accounts=AccountRegistry(store, settings.config_file),
        )

    def advance_clock(self, seconds: float) -> float:
        """Move the shared clock forward, for good: the offset outlives a restart, so stored
        deadlines and timestamps never find the clock behind them."""
        now = self.clock.advance(seconds)
        self.store.put(_PLATFORM, _CLOCK_OFFSET, self.clock.offset)
        return now

    def provider(self, service: str) -> Any:
        """Another service's provider, for calls between services (S3 -> Lambda, ...)."""
        return self.providers[service]

    async def call(self, service: str, operation: str, ctx: Any, params: dict[str, Any]) -> Any:
        """Run one operation of a hosted service on already parsed and validated params, as
        the HTTP path does: the provider's `authorize` check, then `provider.<snake_op>`.
        Raises ServiceError as AWS would answer."""
        provider = self.providers.get(service)
        if provider is None:
            raise ServiceError(
                "ServiceUnavailable",
                f"The {service} service is not running.",
                503,
                sender_fault=False,
            )
        if getattr(provider, "reads_reports", False):
            self.flush_reports()
        authorize = getattr(provider, "authorize", None)
        if authorize is not None:
            authorize(ctx, operation, params)
        handler = getattr(provider, method_name(operation), None)
        if handler is None:
            raise ServiceError(
                "NotImplemented",
                f"Strato does not implement {service}:{operation} yet.",
                501,
                sender_fault=False,
            )
        result = handler(ctx, params)
        if inspect.isawaitable(result):
            result = await result
        return result

    def flush_reports(self) -> None:
        """Write every provider's queued logs and metrics (before something reads them)."""
        for provider in self.providers.values():
            flush = getattr(provider, "flush_reports", None)
            if flush is not None:
                flush()

    async def start(self) -> None:
        """Start providers' background work (timers, warm pools) once the event loop runs.

        One provider failing to start is logged and does not keep the others from starting.
        """
        for name, provider in self.providers.items():
            hook = getattr(provider, "start", None)
            if hook is None:
                continue
            try:
                result = hook()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                logging.getLogger("strato").exception("the %s provider failed to start", name)
        await self.outbox.start()  # after providers registered their delivery handlers

    async def stop(self) -> None:
        await self.outbox.stop()
        for provider in self.providers.values():
            hook = getattr(provider, "stop", None)
            if hook is not None:
                result = hook()
                if inspect.isawaitable(result):
                    await result

    def close(self) -> None:
        self.store.close()


@cache
def method_name(operation: str) -> str:
    """The provider method an operation reaches: GetObject -> get_object."""
    return xform_name(operation)
