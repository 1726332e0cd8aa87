"""Waiting on asyncio events and tasks in ways that honour cancellation.

asyncio.wait rather than wait_for throughout: on Python 3.11 wait_for can swallow a
cancellation that arrives just as the inner wait completes, so a cancelled waiter waits on
(a Step Functions execution missed its heartbeat timeout that way).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def wait_event(event: asyncio.Event, timeout: float) -> bool:
    """Wait for `event` at most `timeout` seconds; True if it was set."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiter}, timeout=timeout)
    finally:
        waiter.cancel()
    return event.is_set()


async def first_of(*awaitables: Any) -> None:
    """Wait until one of `awaitables` finishes, then cancel (and reap) the others."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
