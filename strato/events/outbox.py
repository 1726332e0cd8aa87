"""The durable outbox every delivery between services goes through.

A service that must tell another one something (EventBridge -> a rule's target, SNS -> a
subscription) adds an entry to the outbox inside the same store transaction as the change
that caused it, so the two commit or roll back together. One worker takes due entries in
order and hands each to the handler registered for its kind:

- a handler that returns (or whose coroutine finishes) delivered the entry: it is removed,
  in the same transaction as whatever a synchronous handler wrote;
- a handler that raises `DeliveryFailed(retryable=True)` is tried again after a backoff on
  the shared clock, until its retry policy runs out; then (or at once, for a failure that is
  not retryable) the kind's `give_up` callback sends it to its dead-letter destination.

Entries are keyed by due time and an increasing id, so equal-time entries keep the order
they were added in (a FIFO topic's messages reach their FIFO queue in order). An entry whose
handler is a coroutine is leased while it runs; if Strato stops first, the lease runs out
and the entry is delivered again. Delivery is therefore at least once, and a restart loses
nothing that was committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..clock import Clock
from ..store import Store, keys

log = logging.getLogger("strato.events")

OUTBOX = "events:outbox"  # (due ms, id) -> entry
LEASE_MS = 5 * 60 * 1000  # how long a running asynchronous delivery holds its entry
_BATCH = 100


class DeliveryFailed(Exception):
    """A delivery attempt failed; `retryable` says whether trying again could help."""

    def __init__(self, code: str, message: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.code, self.message, self.retryable = code, message, retryable


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and for how long, a failed delivery is tried again."""

    attempts: int = 185  # retries after the first attempt
    max_age_s: float = 86400.0  # give up once the entry is this old
    base_s: float = 1.0  # backoff: base_s * 2**attempt, at most cap_s
    cap_s: float = 300.0

    def as_dict(self) -> dict[str, float]:
        return {
            "Attempts": self.attempts,
            "MaxAgeS": self.max_age_s,
            "BaseS": self.base_s,
            "CapS": self.cap_s,
        }

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> RetryPolicy:
        if not data:
            return cls()
        return cls(data["Attempts"], data["MaxAgeS"], data["BaseS"], data["CapS"])

    def delay_s(self, attempt: int) -> float:
        return min(self.base_s * 2**attempt, self.cap_s)


Handler = Callable[[dict[str, Any]], Awaitable[None] | None]
GiveUp = Callable[[dict[str, Any], DeliveryFailed], None]


@dataclass
class _Kind:
    deliver: Handler
    give_up: GiveUp | None
    is_async: bool


class Outbox:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._kinds: dict[str, _Kind] = {}
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task | None = None
        self._running: set[asyncio.Task] = set()
        self._ids = itertools.count()
        self._last_ns = 0

    # -- for services ---------------------------------------------------------------
    def register(self, kind: str, deliver: Handler, give_up: GiveUp | None = None) -> None:
        """Name the handler for entries of `kind` (and what to do when retries run out)."""
        self._kinds[kind] = _Kind(deliver, give_up, inspect.iscoroutinefunction(deliver))

    def add(
        self,
        kind: str,
        payload: dict[str, Any],
        retry: RetryPolicy | None = None,
        delay_s: float = 0.0,
    ) -> str:
        """Queue a delivery. Call inside the transaction of the change that caused it."""
        entry_id = self._next_id()
        now_ms = self.clock.now_ms()
        entry = {
            "Id": entry_id,
            "Kind": kind,
            "Payload": payload,
            "Attempt": 0,
            "FirstMs": now_ms,
            "Retry": (retry or RetryPolicy()).as_dict(),
        }
        self.store.put(OUTBOX, _key(now_ms + int(delay_s * 1000), entry_id), entry)
        self.wake()
        return entry_id

    def pending(self, kind: str | None = None) -> int:
        """How many entries wait (of one kind, or all): for health checks and tests."""
        if kind is None:
            return self.store.count(OUTBOX)
        return sum(1 for _, e in self.store.scan(OUTBOX) if e["Kind"] == kind)

    def wake(self) -> None:
        if self._wake is not None:
            self._wake.set()

    # -- the worker -------------------------------------------------------------------
    async def start(self) -> None:
        self._reclaim_leases()
        self._wake = asyncio.Event()
        self._worker = asyncio.get_running_loop().create_task(self._deliver_forever())

    async def stop(self) -> None:
        tasks = [t for t in (self._worker, *self._running) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_forever(self) -> None:
        assert self._wake is not None
        while True:
            try:
                await self.deliver_due()
            except Exception:
                log.exception("the outbox worker failed; retrying")
            self._wake.clear()
            next_due = self._next_due_s()
            if next_due is not None and next_due <= self.clock.now():
                continue
            waiter = asyncio.ensure_future(self._wake.wait())
            sleeper = asyncio.ensure_future(
                self.clock.sleep(1.0 if next_due is None else next_due - self.clock.now())
            )
            await asyncio.wait({waiter, sleeper}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            sleeper.cancel()

    async def deliver_due(self) -> None:
        """Deliver every entry that is due now, oldest first."""
        while True:
            now_ms = self.clock.now_ms()
            hi = keys.pack(f"{now_ms + 1:016d}")
            due = list(self.store.scan(OUTBOX, b"", hi, limit=_BATCH))
            if not due:
                return
            for key, entry in due:
                self._deliver_one(key, entry)
            await asyncio.sleep(0)

    def _deliver_one(self, key: bytes, entry: dict[str, Any]) -> None:
        kind = self._kinds.get(entry["Kind"])
        if kind is None:  # its service is not hosted in this process: keep it for later
            self._reschedule(key, entry, entry["Attempt"], 60.0)
            return
        if kind.is_async:
            lease = _key(self.clock.now_ms() + LEASE_MS, entry["Id"])
            with self.store.transaction():
                self.store.delete(OUTBOX, key)
                self.store.put(OUTBOX, lease, {**entry, "Leased": True})
            task = asyncio.get_running_loop().create_task(self._run_async(kind, lease, entry))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            return
        try:
            with self.store.transaction():
                kind.deliver(entry["Payload"])
                self.store.delete(OUTBOX, key)
        except DeliveryFailed as e:
            self._failed(kind, key, entry, e)
        except Exception as e:  # a bug in one handler must not stop the others
            log.exception("delivery of %s entry %s failed", entry["Kind"], entry["Id"])
            self._failed(kind, key, entry, DeliveryFailed("InternalError", str(e), False))

    async def _run_async(self, kind: _Kind, lease: bytes, entry: dict[str, Any]) -> None:
        try:
            await kind.deliver(entry["Payload"])  # type: ignore[misc]
        except DeliveryFailed as e:
            self._failed(kind, lease, entry, e)
            return
        except Exception as e:
            log.exception("delivery of %s entry %s failed", entry["Kind"], entry["Id"])
            self._failed(kind, lease, entry, DeliveryFailed("InternalError", str(e), False))
            return
        self.store.delete(OUTBOX, lease)

    def _failed(self, kind: _Kind, key: bytes, entry: dict, error: DeliveryFailed) -> None:
        policy = RetryPolicy.of(entry.get("Retry"))
        attempt = entry["Attempt"] + 1
        delay_s = policy.delay_s(entry["Attempt"])
        age_ms = self.clock.now_ms() + delay_s * 1000 - entry["FirstMs"]
        if error.retryable and attempt <= policy.attempts and age_ms <= policy.max_age_s * 1000:
            self._reschedule(key, entry, attempt, delay_s)
            return
        with self.store.transaction():
            self.store.delete(OUTBOX, key)
            if kind.give_up is None:
                log.warning(
                    "%s delivery %s dropped after %d attempts: %s: %s",
                    entry["Kind"],
                    entry["Id"],
                    attempt,
                    error.code,
                    error.message,
                )
                return
            try:
                kind.give_up(entry["Payload"], error)
            except Exception:
                log.exception("dead-lettering %s entry %s failed", entry["Kind"], entry["Id"])

    def _reschedule(self, key: bytes, entry: dict, attempt: int, delay_s: float) -> None:
        due_ms = self.clock.now_ms() + int(delay_s * 1000)
        with self.store.transaction():
            self.store.delete(OUTBOX, key)
            entry = {k: v for k, v in entry.items() if k != "Leased"}
            self.store.put(OUTBOX, _key(due_ms, entry["Id"]), {**entry, "Attempt": attempt})
        self.wake()

    def _reclaim_leases(self) -> None:
        """Deliveries that were running when Strato stopped are due again now."""
        now_ms = self.clock.now_ms()
        with self.store.transaction():
            for key, entry in list(self.store.scan(OUTBOX)):
                if entry.pop("Leased", False):
                    self.store.delete(OUTBOX, key)
                    self.store.put(OUTBOX, _key(now_ms, entry["Id"]), entry)

    def _next_due_s(self) -> float | None:
        first = next(iter(self.store.scan(OUTBOX, limit=1)), None)
        if first is None:
            return None
        return int(keys.unpack(first[0])[0]) / 1000

    def _next_id(self) -> str:
        # Increasing within the process, and after a restart (wall-clock nanoseconds first).
        self._last_ns = max(self._last_ns + 1, time.time_ns())
        return f"{self._last_ns:020d}{next(self._ids) % 1000:03d}"


def _key(due_ms: int, entry_id: str) -> bytes:
    return keys.pack(f"{max(due_ms, 0):016d}", entry_id)
