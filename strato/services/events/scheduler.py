"""Scheduled rules: fire each enabled rule's `rate(...)`/`cron(...)` on the shared clock.

`events:schedule` keeps each scheduled rule's next firing time, so a restart neither loses
nor repeats a firing. After the clock jumps past several firings the rule fires once, as a
late AWS schedule does, and the next firing is counted from now.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ...store import keys
from . import records
from .schedules import parse_schedule

log = logging.getLogger("strato.events")
TICK_SECONDS = 1.0


class Scheduler:
    def __init__(self) -> None:
        self._scheduler: asyncio.Task | None = None

    async def start(self) -> None:
        self._scheduler = asyncio.create_task(self._schedule_forever())

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler

    def schedule_rule(self, tx, account: str, region: str, rule: dict, old: dict) -> None:
        """Keep the rule's next firing in step with its expression and state."""
        key = keys.pack(account, region, rule["Name"])
        expression = rule.get("ScheduleExpression")
        if not expression or rule.get("State") != "ENABLED":
            tx.delete(records.SCHEDULE, key)
            return
        current = tx.get(records.SCHEDULE, key)
        if current and current.get("Expression") == expression:
            return
        when = parse_schedule(expression).next_after(self.clock.now())
        tx.put(records.SCHEDULE, key, {"Expression": expression, "Next": when})

    async def _schedule_forever(self) -> None:
        while True:
            try:
                self.fire_due_schedules()
            except Exception:
                log.exception("event schedule worker failed; retrying")
            await self.clock.sleep(TICK_SECONDS)

    def fire_due_schedules(self) -> None:
        now = self.clock.now()
        for key, entry in list(self.store.scan(records.SCHEDULE)):
            if entry["Next"] > now:
                continue
            account, region, name = keys.unpack(key)
            with self.store.transaction() as tx:
                rule = tx.get(
                    records.RULES, records.rule_key(account, region, records.DEFAULT_BUS, name)
                )
                if rule is None or rule.get("State") != "ENABLED":
                    tx.delete(records.SCHEDULE, key)
                    continue
                event = self.event_document(
                    account,
                    region,
                    {
                        "Source": "aws.events",
                        "DetailType": "Scheduled Event",
                        "Detail": "{}",
                        "Resources": [rule["Arn"]],
                        "Time": entry["Next"],
                    },
                )
                self.route(tx, account, region, records.DEFAULT_BUS, event, only_rule=name)
                schedule = parse_schedule(entry["Expression"])
                following = schedule.next_after(entry["Next"])
                if following <= now:
                    following = schedule.next_after(now)
                tx.put(records.SCHEDULE, key, {**entry, "Next": following})
