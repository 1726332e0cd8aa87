"""What Lambda reports about invocations: logs to CloudWatch Logs, EMF and its own metrics to CloudWatch."""

from __future__ import annotations

from typing import Any

from ...runtime.invocation import Outcome
from ...runtime.spec import FunctionSpec

NAMESPACE = "AWS/Lambda"


class Telemetry:
    platform: Any
    runtime: Any

    def _write_logs(self, spec: FunctionSpec, stream: str, lines: list[tuple[int, str]]) -> None:
        providers = self.platform.providers
        append = getattr(providers.get("logs"), "append_events", None)
        if append is not None:
            append(spec.account_id, spec.region, spec.log_group, stream, lines)
        put_emf = getattr(providers.get("cloudwatch"), "put_emf", None)
        if put_emf is not None:
            for _, text in lines:
                # EMF records are whole JSON objects on a line of their own.
                if text.startswith("{") and "_aws" in text:
                    put_emf(spec.account_id, spec.region, text)

    def _metric(
        self,
        account: str,
        region: str,
        name: str,
        value: float,
        unit: str,
        dimensions: dict[str, str] | None,
    ) -> None:
        put = getattr(self.platform.providers.get("cloudwatch"), "put_metric", None)
        if put is not None:
            put(account, region, NAMESPACE, name, value, unit, dimensions)

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
