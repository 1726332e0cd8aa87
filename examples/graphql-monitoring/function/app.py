"""A GraphQL graphlet on Lambda, monitored as the IMDb post describes.

- Every log line is JSON carrying the Lambda request id and the caller's correlation id
  (the `x-correlation-id` header, else the request id), so one request can be followed
  across the gateway and its graphlets.
- Each resolver call emits EMF metrics (latency, timeouts, errors) in namespace "GraphQL".
- An in-code timeout: resolvers get the time Lambda has left minus a margin; a resolver
  still running then is abandoned, its field becomes null with an error entry, and the
  partial result goes back with the metrics flushed, before Lambda's own timeout.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import time

import resolvers
from query import Field, QuerySyntaxError, parse
from telemetry import Metrics, RequestLog

SERVICE = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "catalog-graphlet")
# Stop waiting for resolvers this long before Lambda's timeout: time to answer and flush.
TIMEOUT_MARGIN_MS = int(os.environ.get("RESOLVER_TIMEOUT_MARGIN_MS", "1000"))
# Fields with a resolver name the type of their value; the rest are read off the parent.
SCHEMA: dict[str, dict[str, tuple[str, str] | None]] = {
    "Query": {"product": ("Product", "Query.product")},
    "Product": {"id": None, "name": None, "price": None, "reviews": ("Review", "Product.reviews")},
    "Review": {"rating": None, "text": None},
}
RESOLVERS = {
    "Query.product": lambda parent, args: resolvers.product(args),
    "Product.reviews": lambda parent, args: resolvers.reviews(parent),
}
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="resolver")


def validate(type_name: str, selections: list[Field], path: str = "") -> list[dict]:
    errors = []
    for f in selections:
        fields = SCHEMA[type_name]
        where = f"{path}.{f.name}" if path else f.name
        if f.name not in fields:
            errors.append({"message": f"Cannot query field '{f.name}' on type '{type_name}'."})
        elif fields[f.name] is None and f.selections:
            errors.append({"message": f"Field '{where}' must not have a selection."})
        elif fields[f.name] is not None and not f.selections:
            errors.append({"message": f"Field '{where}' must have a selection of subfields."})
        elif f.selections:
            errors.extend(validate(fields[f.name][0], f.selections, where))
    return errors


class Execution:
    """One request's run through the resolvers, against the in-code deadline."""

    def __init__(self, context, log: RequestLog, metrics: Metrics) -> None:
        self.context = context
        self.log = log
        self.metrics = metrics
        self.errors: list[dict] = []

    def time_left_s(self) -> float:
        return max(0, self.context.get_remaining_time_in_millis() - TIMEOUT_MARGIN_MS) / 1000

    def resolve(self, name: str, path: list, parent, args: dict):
        """Run a resolver; give up on it (field null, error entry) at the in-code deadline."""
        started = time.monotonic()
        future = _pool.submit(RESOLVERS[name], parent, args)
        try:
            value, outcome = future.result(timeout=self.time_left_s()), "ok"
        except TimeoutError:
            value, outcome = None, "timeout"
            self.errors.append(
                {
                    "message": f"Resolver {name} did not finish before the in-code timeout.",
                    "path": path,
                    "extensions": {"code": "RESOLVER_TIMEOUT"},
                }
            )
        except Exception as e:
            value, outcome = None, "error"
            self.errors.append(
                {"message": str(e), "path": path, "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
            )
        latency_ms = (time.monotonic() - started) * 1000
        self.metrics.resolver(name, latency_ms, outcome)
        level = self.log.info if outcome == "ok" else self.log.warning
        level(
            "resolver finished",
            resolver=name,
            path=path,
            durationMs=round(latency_ms, 3),
            outcome=outcome,
        )
        return value

    def select(self, type_name: str, parent, selections: list[Field], path: list) -> dict:
        out = {}
        for f in selections:
            spec = SCHEMA[type_name][f.name]
            if spec is None:
                out[f.name] = parent.get(f.name)
                continue
            child_type, resolver = spec
            value = self.resolve(resolver, [*path, f.name], parent, f.args)
            if isinstance(value, list):
                out[f.name] = [
                    self.select(child_type, item, f.selections, [*path, f.name, i])
                    for i, item in enumerate(value)
                ]
            elif value is not None:
                out[f.name] = self.select(child_type, value, f.selections, [*path, f.name])
            else:
                out[f.name] = None
        return out


def run_query(text: str, execution: Execution) -> dict:
    try:
        selections = parse(text)
    except QuerySyntaxError as e:
        return {"errors": [{"message": str(e), "extensions": {"code": "GRAPHQL_PARSE_FAILED"}}]}
    invalid = validate("Query", selections)
    if invalid:
        return {
            "errors": [{**e, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}} for e in invalid]
        }
    data = execution.select("Query", {}, selections, [])
    return {"data": data, "errors": execution.errors} if execution.errors else {"data": data}


def handler(event: dict, context) -> dict:
    started = time.monotonic()
    proxy = "body" in event  # through API Gateway; otherwise the gateway invokes us directly
    request = json.loads(event.get("body") or "{}") if proxy else event
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    correlation_id = headers.get("x-correlation-id") or context.aws_request_id
    log = RequestLog(SERVICE, context.aws_request_id, correlation_id)
    metrics = Metrics(SERVICE, context.aws_request_id, correlation_id)
    log.info(
        "query received",
        query=request.get("query"),
        remainingMs=context.get_remaining_time_in_millis(),
        memoryMb=int(context.memory_limit_in_mb),
    )
    result: dict = {}
    try:
        result = run_query(request.get("query") or "", Execution(context, log, metrics))
    finally:
        latency_ms = (time.monotonic() - started) * 1000
        partial = "data" in result and "errors" in result
        metrics.request(latency_ms, partial)
        log.info(
            "response sent",
            durationMs=round(latency_ms, 3),
            partial=partial,
            errors=len(result.get("errors", [])),
            remainingMs=context.get_remaining_time_in_millis(),
        )
        metrics.flush()  # before returning: an in-code timeout still reports its metrics
    result["extensions"] = {"requestId": context.aws_request_id, "correlationId": correlation_id}
    if proxy:
        return {
            "statusCode": 200,
            "headers": {"content-type": "application/json", "x-correlation-id": correlation_id},
            "body": json.dumps(result),
        }
    return result
