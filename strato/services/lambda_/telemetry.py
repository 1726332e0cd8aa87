"""What Lambda reports about invocations: logs to CloudWatch Logs, EMF and its own metrics to CloudWatch.

Reports are queued and written together, in one transaction, a moment after the
invocations that made them (or at once, before any Logs or CloudWatch call reads them):
callers never wait for them, and a burst of invocations shares one commit and one data
point per metric.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from ...runtime.invocation import Outcome
from ...runtime.spec import FunctionSpec
from ..cloudwatch.metric_store import Datum

NAMESPACE = "AWS/Lambda"
FLUSH_DELAY_S = 0.1


class Telemetry:
    platform: Any
    runtime: Any
    clock: Any

    def _reports(self) -> dict[str, list]:
        pending = self.__dict__.get("_pending")
        if pending is None:
            pending = self.__dict__["_pending"] = {"logs": [], "metrics": [], "scheduled": []}
        return pending

    def _queue(self, kind: str, item: tuple) -> None:
        pending = self._reports()
        pending[kind].append(item)
        if not pending["scheduled"]:
            try:
                handle = asyncio.get_running_loop().call_later(FLUSH_DELAY_S, self.flush_reports)
            except RuntimeError:  # no event loop (a thread, or shutdown): write now
                self.flush_reports()
                return
            pending["scheduled"].append(handle)

    def flush_reports(self) -> None:
        pending = self._reports()
        for handle in pending["scheduled"]:
            handle.cancel()
        logs, metrics = pending["logs"], pending["metrics"]
        pending.update(logs=[], metrics=[], scheduled=[])
        if not logs and not metrics:
            return
        providers = self.platform.providers
        append = getattr(providers.get("logs"), "append_events", None)
        cloudwatch = providers.get("cloudwatch")
        with self.platform.store.transaction():
            for spec, stream, lines in logs:
                if append is not None:
                    append(spec.account_id, spec.region, spec.log_group, stream, lines)
                if cloudwatch is not None:
                    for _, text in lines:
                        # EMF records are whole JSON objects on a line of their own.
                        if text.startswith("{") and "_aws" in text:
                            cloudwatch.put_emf(spec.account_id, spec.region, text)
            if cloudwatch is not None and metrics:
                self._write_metrics(cloudwatch, metrics)

    def _write_metrics(self, cloudwatch: Any, metrics: list[tuple]) -> None:
        grouped: dict[tuple, list[float]] = defaultdict(list)
        for account, region, name, value, unit, dims in metrics:
            key = (account, region, name, unit, tuple(sorted((dims or {}).items())))
            grouped[key].append(float(value))
        now = self.clock.now()
        by_account: dict[tuple[str, str], list] = defaultdict(list)
        for (account, region, name, unit, dims), values in grouped.items():
            by_account[(account, region)].append(
                Datum(NAMESPACE, name, dict(dims), now, unit, values)
            )
        for (account, region), data in by_account.items():
            cloudwatch.put_data(account, region, data)

    def _write_logs(self, spec: FunctionSpec, stream: str, lines: list[tuple[int, str]]) -> None:
        self._queue("logs", (spec, stream, lines))

    def _metric(
        self,
        account: str,
        region: str,
        name: str,
        value: float,
        unit: str,
        dimensions: dict[str, str] | None,
    ) -> None:
        self._queue("metrics", (account, region, name, value, unit, dimensions))

    def record_invocation(
        self, spec: FunctionSpec, outcome: Outcome, qualifier: str | None
    ) -> None:
        """Invocations, Errors, Duration and ConcurrentExecutions, as AWS/Lambda publishes them."""
        dims = [{"FunctionName": spec.name}]
        if qualifier:
            dims.append({"FunctionName": spec.name, "Resource": f"{spec.name}:{qualifier}"})
        for d in dims:
            self._metric(spec.account_id, spec.region, "Invocations", 1, "Count", d)
            self._metric(
                spec.account_id, spec.region, "Errors", 1 if outcome.failed else 0, "Count", d
            )
            self._metric(
                spec.account_id, spec.region, "Duration", outcome.duration_ms, "Milliseconds", d
            )
        running = self.runtime.concurrency(spec.account_id, spec.region, spec.name) + 1
        self._metric(
            spec.account_id,
            spec.region,
            "ConcurrentExecutions",
            running,
            "Count",
            {"FunctionName": spec.name},
        )
        self._metric(
            spec.account_id,
            spec.region,
            "ConcurrentExecutions",
            self.runtime.concurrency(spec.account_id, spec.region) + 1,
            "Count",
            None,
        )

    def record_throttle(self, account: str, region: str, name: str) -> None:
        self._metric(account, region, "Throttles", 1, "Count", {"FunctionName": name})

    def record_recursion_stop(self, account: str, region: str, name: str) -> None:
        self._metric(
            account, region, "RecursiveInvocationsDropped", 1, "Count", {"FunctionName": name}
        )
