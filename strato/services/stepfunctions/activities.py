"""Activities (workers poll for tasks) and the task-token callbacks that answer them.

A token (an activity task's, or `$$.Task.Token` of a `.waitForTaskToken` task) is found in
`sfn:tokens`; the answer goes to the engine's `send_task_*` on the live execution and is
saved before the call returns, so a restart does not lose it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ...auth import RequestContext
from ...store import keys
from ...waiting import first_of
from . import records
from .errors import (
    activity_not_found,
    invalid_output,
    invalid_token,
    task_not_found,
    task_timed_out,
    too_many_tags,
)
from .naming import check_name, parse_activity_arn
from .pagination import page, with_token
from .runner import Runner

POLL_SECONDS = 60.0  # GetActivityTask's long poll, as AWS
MAX_TAGS = 50


class Activities:
    store: Any
    clock: Any
    runner: Runner
    _arrivals: dict[str, asyncio.Event]

    # -- activities --------------------------------------------------------------------
    def create_activity(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        name = params["name"]
        check_name(name)
        arn = records.activity_arn(ctx.account_id, ctx.region, name)
        key = records.activity_key(ctx.account_id, ctx.region, name)
        tags = {t["key"]: t.get("value", "") for t in params.get("tags") or []}
        if len(tags) > MAX_TAGS:
            raise too_many_tags(arn)
        with self.store.transaction() as tx:
            existing = tx.get(records.ACTIVITIES, key)
            if existing is not None:
                return {"activityArn": arn, "creationDate": existing["creationDate"]}
            record = {"activityArn": arn, "name": name, "creationDate": self.clock.now()}
            if params.get("encryptionConfiguration"):
                record["encryptionConfiguration"] = params["encryptionConfiguration"]
            tx.put(records.ACTIVITIES, key, record)
            if tags:
                tx.put(records.TAGS, keys.pack(arn), tags)
        return {"activityArn": arn, "creationDate": record["creationDate"]}

    def _require_activity(self, arn: str) -> dict:
        account, region, name = parse_activity_arn(arn)
        record = self.store.get(records.ACTIVITIES, records.activity_key(account, region, name))
        if record is None:
            raise activity_not_found(arn)
        return record

    def describe_activity(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        record = self._require_activity(params["activityArn"])
        out = {k: record[k] for k in ("activityArn", "name", "creationDate")}
        if record.get("encryptionConfiguration"):
            out["encryptionConfiguration"] = record["encryptionConfiguration"]
        return out

    def list_activities(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        lo, hi = keys.prefix_range(ctx.account_id, ctx.region)
        items = [
            {k: r[k] for k in ("activityArn", "name", "creationDate")}
            for _, r in self.store.scan(records.ACTIVITIES, lo, hi)
        ]
        chunk, token = page(items, params)
        return with_token({"activities": chunk}, token)

    def delete_activity(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = params["activityArn"]
        account, region, name = parse_activity_arn(arn)
        with self.store.transaction() as tx:
            tx.delete(records.ACTIVITIES, records.activity_key(account, region, name))
            tx.delete(records.TAGS, keys.pack(arn))
        return {}

    # -- workers ------------------------------------------------------------------------
    def activity_arrived(self, arn: str) -> None:
        """A task was queued for `arn`: wake its pollers."""
        event = self._arrivals.pop(arn, None)
        if event is not None:
            event.set()

    def _arrival(self, arn: str) -> asyncio.Event:
        event = self._arrivals.get(arn)
        if event is None:
            event = self._arrivals[arn] = asyncio.Event()
        return event

    def _take_activity_task(self, arn: str, worker: str | None) -> dict | None:
        lo, hi = keys.prefix_range(arn)
        while True:
            with self.store.transaction() as tx:
                found = next(iter(tx.scan(records.ACTIVITY_TASKS, lo, hi, limit=1)), None)
                if found is None:
                    return None
                key, task = found
                tx.delete(records.ACTIVITY_TASKS, key)
            live = self.runner.live.get(task["execution"])
            if live is None or live.execution is None:
                continue  # the execution ended (stopped, timed out) before a worker came
            if task["token"] not in live.execution.data["tokens"]:
                continue
            live.execution.activity_started(task["token"], worker)
            self.runner.touch(live)
            return task

    async def get_activity_task(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        arn = params["activityArn"]
        self._require_activity(arn)
        deadline = self.clock.now() + POLL_SECONDS
        while True:
            event = self._arrival(arn)  # before looking, so a task queued in between is seen
            task = self._take_activity_task(arn, params.get("workerName"))
            if task is not None:
                return {"taskToken": task["token"], "input": task["input"]}
            if self.clock.now() >= deadline:
                return {}
            await first_of(event.wait(), self.clock.sleep_until(deadline))

    # -- callbacks ------------------------------------------------------------------------
    def _token_target(self, token: str):
        entry = self.store.get(records.TOKENS, keys.pack(token))
        if entry is None:
            raise invalid_token()
        live = self.runner.live.get(entry["execution"])
        if live is None or live.execution is None:
            meta = self.store.get(records.EXECUTIONS, keys.pack(entry["execution"]))
            if meta is None:
                raise task_not_found()
            raise task_timed_out()
        return live

    def send_task_success(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        try:
            output = json.loads(params["output"])
        except ValueError as exc:
            raise invalid_output(str(exc)) from None
        live = self._token_target(params["taskToken"])
        try:
            live.execution.send_task_success(params["taskToken"], output)
        except KeyError:
            raise task_timed_out() from None
        self.runner.touch(live)
        return {}

    def send_task_failure(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        live = self._token_target(params["taskToken"])
        try:
            live.execution.send_task_failure(
                params["taskToken"], params.get("error"), params.get("cause")
            )
        except KeyError:
            raise task_timed_out() from None
        self.runner.touch(live)
        return {}

    def send_task_heartbeat(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        live = self._token_target(params["taskToken"])
        try:
            live.execution.send_task_heartbeat(params["taskToken"])
        except KeyError:
            raise task_timed_out() from None
        self.runner.touch(live)
        return {}
