"""The one clock every timer reads; tests advance it instead of sleeping."""

from __future__ import annotations

import asyncio
import time

from .waiting import wait_event


class Clock:
    """Wall time plus an offset that only moves forward."""

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset
        self._advanced: asyncio.Event | None = None

    def now(self) -> float:
        """Seconds since the epoch, as the platform sees it."""
        return time.time() + self._offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
        if self._advanced is not None:
            self._advanced.set()
            self._advanced = None
        return self.now()

    async def sleep_until(self, deadline: float) -> None:
        """Wait until now() >= deadline, waking early when the clock is advanced.

        See strato/waiting.py for why this does not use asyncio.wait_for."""
        while True:
            remaining = deadline - self.now()
            if remaining <= 0:
                return
            if self._advanced is None:
                self._advanced = asyncio.Event()
            await wait_event(self._advanced, remaining)

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self.now() + seconds)
