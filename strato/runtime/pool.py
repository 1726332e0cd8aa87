"""Warm environments per function version: reuse, concurrency limits, reaping, shutdown,
and provisioned concurrency (environments initialised ahead of invocations)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass

from ..protocol import ServiceError
from .invocation import Invocation, Outcome
from .sandbox import Sandbox
from .spec import FunctionSpec

log = logging.getLogger("strato.runtime")

PROVISIONED_ENV = {"AWS_LAMBDA_INITIALIZATION_TYPE": "provisioned-concurrency"}
INIT_FAILURE = "FUNCTION_ERROR_INIT_FAILURE"  # AWS's StatusReason when provisioned init fails


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
        # Provisioned environments first. They only exist for published versions, whose code and
        # configuration never change (their RevisionId does, with their resource policy).
        for sb in self.sandboxes:
            if sb.state == "idle" and sb.provisioned:
                sb.state = "busy"
                return sb
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


@dataclass
class Provisioned:
    """Provisioned concurrency of one function version: `count` environments kept initialised."""

    spec: FunctionSpec
    count: int
    # Why allocation failed (AWS's StatusReason); cleared by the next provision.
    failure: str | None = None


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
        self.provisioned: dict[tuple[str, str, str, str], Provisioned] = {}
        self._reaper: asyncio.Task | None = None
        self._filling: set[asyncio.Task] = set()

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
        for sb in pool.prune(
            lambda sb: sb.spec.revision == revision or sb.state == "busy" or sb.provisioned
        ):
            sb.kill()
            sb.cleanup()

    def retire_function(self, account_id: str, region: str, name: str) -> None:
        """Stop idle environments of every version of a function (deleted or changed).
        Provisioned ones stay until `release`d: a published version never changes."""
        for key, pool in list(self.pools.items()):
            if key[:3] == (account_id, region, name):
                for sb in pool.prune(lambda sb: sb.state == "busy" or sb.provisioned):
                    sb.kill()
                    sb.cleanup()

    async def start(self) -> None:
        # Folders of environments that a crash (kill -9) left behind hold nothing anyone needs.
        for leftover in os.listdir(self.scratch):
            shutil.rmtree(os.path.join(self.scratch, leftover), ignore_errors=True)
        self._reaper = asyncio.get_running_loop().create_task(self._reap())

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            cutoff = self.now() - self.keepalive_s
            for pool in self.pools.values():
                for sb in pool.prune(
                    lambda sb, cutoff=cutoff: (
                        sb.state != "dead"
                        and (sb.provisioned or not (sb.state == "idle" and sb.last_used < cutoff))
                    )
                ):
                    sb.kill()
                    sb.cleanup()
            self._replenish()

    # -- provisioned concurrency ------------------------------------------------------
    async def provision(self, spec: FunctionSpec, count: int) -> None:
        """Keep `count` environments of this function version initialised ahead of invocations.

        They start now and run init (ready once the runtime asks for its first event), serve
        invocations of the version before any other environment, see
        AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency, are never reaped for idling,
        are replaced when they die, and stay until `release`. Calling it again changes the
        count. Returns once all are ready or failed (see `provisioned_state`).
        """
        target = self.provisioned.get(spec.key)
        if target is None:
            target = self.provisioned[spec.key] = Provisioned(spec, count)
        else:  # in place, so a fill already under way reports to the current target
            target.spec, target.count, target.failure = spec, count, None
        pool = self._pool(spec)
        for sb in [sb for sb in pool.sandboxes if sb.provisioned and sb.alive][count:]:
            self._unprovision(pool, sb)
        await self._fill(target)

    def release(self, key: tuple[str, str, str, str]) -> None:
        """Stop keeping environments of this version initialised; busy ones finish as on-demand."""
        self.provisioned.pop(key, None)
        pool = self.pools.get(key)
        for sb in [sb for sb in (pool.sandboxes if pool else []) if sb.provisioned]:
            self._unprovision(pool, sb)

    def provisioned_state(self, key: tuple[str, str, str, str]) -> tuple[int, str | None]:
        """(environments initialised for provisioned concurrency, why allocation failed or None)."""
        pool = self.pools.get(key)
        ready = sum(
            1
            for sb in (pool.sandboxes if pool else [])
            if sb.provisioned and sb.state in ("idle", "busy")
        )
        target = self.provisioned.get(key)
        return ready, target.failure if target else None

    async def _fill(self, target: Provisioned) -> None:
        runtime_dir = self.runtime_dir(target.spec)
        if not isinstance(runtime_dir, str):
            runtime_dir = await runtime_dir
        if self.provisioned.get(target.spec.key) is not target:
            return  # released or re-provisioned meanwhile
        pool = self._pool(target.spec)
        missing = target.count - sum(1 for sb in pool.sandboxes if sb.provisioned and sb.alive)
        fresh = []
        for _ in range(max(0, missing)):
            sb = Sandbox(
                target.spec,
                runtime_dir,
                self.scratch,
                self.endpoint_url(),
                self.now,
                self.log_sink,
                extra_env=PROVISIONED_ENV,
            )
            sb.provisioned = True
            pool.sandboxes.append(sb)
            fresh.append(sb)
        ready = await asyncio.gather(*(self._initialize(pool, sb) for sb in fresh))
        if not all(ready) and self.provisioned.get(target.spec.key) is target:
            target.failure = INIT_FAILURE

    async def _initialize(self, pool: EnvironmentPool, sb: Sandbox) -> bool:
        try:
            ready = await sb.initialize()
        except Exception:
            log.exception("provisioned environment of %s failed to start", sb.spec.arn)
            ready = False
        if not ready:
            pool.prune(lambda other: other is not sb)
            sb.kill()
            sb.cleanup()
        return ready

    def _unprovision(self, pool: EnvironmentPool, sb: Sandbox) -> None:
        sb.provisioned = False
        if sb.state != "busy":
            pool.prune(lambda other: other is not sb)
            sb.kill()
            sb.cleanup()

    def _replenish(self) -> None:
        """Replace provisioned environments that died (a timeout, a crash), unless init fails."""
        for key, target in self.provisioned.items():
            pool = self.pools.get(key)
            alive = sum(1 for sb in (pool.sandboxes if pool else []) if sb.provisioned and sb.alive)
            if target.failure is None and alive < target.count:
                task = asyncio.get_running_loop().create_task(self._fill(target))
                self._filling.add(task)
                task.add_done_callback(self._filling.discard)

    async def stop(self) -> None:
        for task in list(self._filling):
            task.cancel()
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
        for pool in self.pools.values():
            for sb in pool.sandboxes:
                sb.kill()
                sb.cleanup()
            pool.sandboxes = []
