"""Structured JSON log lines that carry the request ids, and EMF metrics for CloudWatch."""

from __future__ import annotations

import datetime as dt
import json
import time

NAMESPACE = "GraphQL"


class RequestLog:
    """One JSON object per line, each with the Lambda request id and the caller's correlation id."""

    def __init__(self, service: str, request_id: str, correlation_id: str) -> None:
        self.base = {"service": service, "requestId": request_id, "correlationId": correlation_id}

    def _write(self, level: str, message: str, fields: dict) -> None:
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        record = {"timestamp": stamp, "level": level, **self.base, "message": message, **fields}
        print(json.dumps(record, default=str), flush=True)

    def info(self, message: str, **fields) -> None:
        self._write("INFO", message, fields)

    def warning(self, message: str, **fields) -> None:
        self._write("WARN", message, fields)

    def error(self, message: str, **fields) -> None:
        self._write("ERROR", message, fields)


class Metrics:
    """Embedded-metric-format records for one request, written out by flush().

    Lambda sends the log lines to CloudWatch Logs, which turns them into metrics: no
    PutMetricData calls, nothing to throttle. The ids ride along as properties (searchable
    in the logs) rather than dimensions (which would make a metric per request).
    """

    def __init__(self, service: str, request_id: str, correlation_id: str) -> None:
        self.props = {"Service": service, "requestId": request_id, "correlationId": correlation_id}
        self.records: list[dict] = []

    def _record(self, dimensions: list[str], values: dict[str, tuple[float, str]], **props):
        self.records.append(
            {
                "_aws": {
                    "Timestamp": int(time.time() * 1000),
                    "CloudWatchMetrics": [
                        {
                            "Namespace": NAMESPACE,
                            "Dimensions": [dimensions],
                            "Metrics": [{"Name": n, "Unit": u} for n, (_, u) in values.items()],
                        }
                    ],
                },
                **self.props,
                **props,
                **{n: v for n, (v, _) in values.items()},
            }
        )

    def resolver(self, resolver: str, latency_ms: float, outcome: str) -> None:
        """One resolver call: its latency, and whether it timed out or failed."""
        self._record(
            ["Service", "Resolver"],
            {
                "ResolverLatency": (round(latency_ms, 3), "Milliseconds"),
                "ResolverTimeouts": (1 if outcome == "timeout" else 0, "Count"),
                "ResolverErrors": (1 if outcome == "error" else 0, "Count"),
            },
            Resolver=resolver,
        )

    def request(self, latency_ms: float, partial: bool) -> None:
        self._record(
            ["Service"],
            {
                "RequestLatency": (round(latency_ms, 3), "Milliseconds"),
                "PartialResponses": (1 if partial else 0, "Count"),
            },
        )

    def flush(self) -> None:
        for record in self.records:
            print(json.dumps(record), flush=True)
        self.records = []
