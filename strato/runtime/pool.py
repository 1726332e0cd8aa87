"""Warm environments per function version: reuse, concurrency limits, reaping, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from ..protocol import ServiceError
from .invocation import Invocation, Outcome
from .sandbox import Sandbox
from .spec import FunctionSpec

log = logging.getLogger("strato.runtime")


class Throttled(ServiceError):
    def __init__(self, reason: str) -> None:
        super().__init__(
            "TooManyRequestsException", "Rate Exceeded.", 429, Reason=reason, Type="User"
        )


class EnvironmentPool:
    """Every environment of one function version; idle ones wait for the next invoke."""

    def __init__(self) -> None:
        self.sandboxes: list[Sandbox] = []

    def take_idle(self, revision: str) -> Sandbox | None:
        for sb in reversed(self.sandboxes):  # the most recently used is the warmest
            if sb.state == "idle" and sb.spec.revision == revision:
                sb.state = "busy"
                return sb
        return None

    def active(self) -> int:
        return sum(1 for sb in self.sandboxes if sb.state in ("starting", "busy"))

    def prune(self, keep: Callable[[Sandbox], bool]) -> list[Sandbox]:
        dropped = [sb for sb in self.sandboxes if not keep(sb)]
        self.sandboxes = [sb for sb in self.sandboxes if keep(sb)]
        return dropped


class RuntimeManager:
    def __init__(
        self,
        scratch: str,
        endpoint_url: Callable[[], str],
        now: Callable[[], float],
        log_sink: Callable[[FunctionSpec, str, list[tuple[int, str]]], None],
        runtime_dir: Callable[[FunctionSpec], asyncio.Future | str],
        account_limit: int = 1000,
        keepalive_s: float = 600.0,
    ) -> None:
        self.scratch = scratch
        self.endpoint_url = endpoint_url
        self.now = now
        self.log_sink = log_sink
        self.runtime_dir = runtime_dir
        self.account_limit = account_limit
        self.keepalive_s = keepalive_s
        self.pools: dict[tuple[str, str, str, str], EnvironmentPool] = {}
        self._reaper: asyncio.Task | None = None

    def _pool(self, spec: FunctionSpec) -> EnvironmentPool:
        pool = self.pools.get(spec.key)
        if pool is None:
            pool = self.pools[spec.key] = EnvironmentPool()
        return pool

    def concurrency(self, account_id: str, region: str, name: str | None = None) -> int:
        """Environments busy or starting, in an account (and region), or for one function."""
        return sum(
            pool.active()
            for (acct, reg, fn, _), pool in self.pools.items()
            if acct == account_id and reg == region and (name is None or fn == name)
        )

    async def invoke(
        self, spec: FunctionSpec, inv: Invocation, reserved: int | None = None
    ) -> Outcome:
        pool = self._pool(spec)
        self._retire_stale(pool, spec.revision)
        sandbox = pool.take_idle(spec.revision)
        if sandbox is None:
            if (
                reserved is not None
                and self.concurrency(spec.account_id, spec.region, spec.name) >= reserved
            ):
                raise Throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
            if self.concurrency(spec.account_id, spec.region) >= self.account_limit:
                raise Throttled("ConcurrentInvocationLimitExceeded")
            runtime_dir = self.runtime_dir(spec)
            if not isinstance(runtime_dir, str):
                runtime_dir = await runtime_dir
            sandbox = Sandbox(
                spec, runtime_dir, self.scratch, self.endpoint_url(), self.now, self.log_sink
            )
            pool.sandboxes.append(sandbox)
            try:
                await sandbox.start()
            except BaseException:
                sandbox.kill()
                pool.prune(lambda sb: sb is not sandbox)
                raise
        try:
            return await sandbox.invoke(inv)
        finally:
            if not sandbox.alive:
                pool.prune(lambda sb: sb is not sandbox)
                sandbox.kill()
                sandbox.cleanup()

    def _retire_stale(self, pool: EnvironmentPool, revision: str) -> None:
        """Environments of an older code or configuration are stopped once idle."""
        for sb in pool.prune(lambda sb: sb.spec.revision == revision or sb.state == "busy"):
            sb.kill()
            sb.cleanup()

    def retire_function(self, account_id: str, region: str, name: str) -> None:
        """Stop idle environments of every version of a function (deleted or changed)."""
        for key, pool in list(self.pools.items()):
            if key[:3] == (account_id, region, name):
                for sb in pool.prune(lambda sb: sb.state == "busy"):
                    sb.kill()
                    sb.cleanup()

    async def start(self) -> None:
        self._reaper = asyncio.get_running_loop().create_task(self._reap())

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            cutoff = self.now() - self.keepalive_s
            for pool in self.pools.values():
                for sb in pool.prune(
                    lambda sb: (
                        not (sb.state == "idle" and sb.last_used < cutoff) and sb.state != "dead"
                    )
                ):
                    sb.kill()
                    sb.cleanup()

    async def stop(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
        for pool in self.pools.values():
            for sb in pool.sandboxes:
                sb.kill()
                sb.cleanup()
            pool.sandboxes = []
