"""What Lambda reports about invocations: logs to CloudWatch Logs, EMF and its own metrics to CloudWatch.

Reports are queued and written in one transaction on the next turn of the event loop,
after the invoke's response has gone out: the caller never waits for them, a burst of
invocations shares one commit, and a read that follows the response still sees them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ...runtime.invocation import Outcome
from ...runtime.spec import FunctionSpec

NAMESPACE = "AWS/Lambda"


class Telemetry:
    platform: Any
    runtime: Any
    _pending_logs: list | None = None
    _pending_metrics: list | None = None
    _flush_scheduled: bool = False

    def _queue(self, kind: str, item: tuple) -> None:
        if self._pending_logs is None:
            self._pending_logs, self._pending_metrics = [], []
        (self._pending_logs if kind == "log" else self._pending_metrics).append(item)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            try:
                asyncio.get_running_loop().call_soon(self.flush_telemetry)
            except RuntimeError:  # no loop (called from a thread or at shutdown): write now
                self.flush_telemetry()

    def flush_telemetry(self) -> None:
        self._flush_scheduled = False
        logs, metrics = self._pending_logs or [], self._pending_metrics or []
        self._pending_logs, self._pending_metrics = [], []
        if not logs and not metrics:
            return
        providers = self.platform.providers
        append = getattr(providers.get("logs"), "append_events", None)
        put_emf = getattr(providers.get("cloudwatch"), "put_emf", None)
        put_metric = getattr(providers.get("cloudwatch"), "put_metric", None)
        with self.platform.store.transaction():
            for spec, stream, lines in logs:
                if append is not None:
                    append(spec.account_id, spec.region, spec.log_group, stream, lines)
                if put_emf is not None:
                    for _, text in lines:
                        # EMF records are whole JSON objects on a line of their own.
                        if text.startswith("{") and "_aws" in text:
                            put_emf(spec.account_id, spec.region, text)
            if put_metric is not None:
                for account, region, name, value, unit, dims in metrics:
                    put_metric(account, region, NAMESPACE, name, value, unit, dims)

    def _write_logs(self, spec: FunctionSpec, stream: str, lines: list[tuple[int, str]]) -> None:
        self._queue("log", (spec, stream, lines))

    def _metric(
        self,
        account: str,
        region: str,
        name: str,
        value: float,
        unit: str,
        dimensions: dict[str, str] | None,
    ) -> None:
        self._queue("metric", (account, region, name, value, unit, dimensions))

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
