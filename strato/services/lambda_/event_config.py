"""Asynchronous invocation settings: retries, maximum event age and destinations, per qualifier.

Stored in the function record under "EventInvokeConfig", keyed by qualifier ("$LATEST" for
the unqualified function), with the keys invoke.py's retry policy reads
(MaximumRetryAttempts, MaximumEventAgeInSeconds) plus DestinationConfig and LastModified
(epoch seconds). Keys left out of a Put are absent, so the defaults apply.
"""

from __future__ import annotations

import re
from typing import Any

from ...auth import RequestContext
from . import records
from .base import LambdaBase
from .errors import invalid, resource_not_found, validation

MAX_RETRIES = 2
MIN_AGE_S, MAX_AGE_S = 60, 21600
_DESTINATION = re.compile(
    r"^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)"
)
_SERVICES = {
    "OnSuccess": {"lambda", "sqs", "sns", "events"},
    "OnFailure": {"lambda", "sqs", "sns", "events", "s3"},
}


class EventConfigOperations(LambdaBase):
    def put_function_event_invoke_config(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        return self._write_event_config(ctx, p, replace=True)

    def update_function_event_invoke_config(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        return self._write_event_config(ctx, p, replace=False)

    def get_function_event_invoke_config(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        key = qualifier or records.LATEST
        record = self.store.get(
            records.FUNCTIONS, records.function_key(ctx.account_id, ctx.region, name)
        )
        config = ((record or {}).get("EventInvokeConfig") or {}).get(key)
        if config is None:
            raise _no_config(ctx, name, key)
        return _out(ctx, name, key, config)

    def delete_function_event_invoke_config(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        key = qualifier or records.LATEST
        with self.store.transaction():
            record = self.store.get(
                records.FUNCTIONS, records.function_key(ctx.account_id, ctx.region, name)
            )
            configs = (record or {}).get("EventInvokeConfig") or {}
            if key not in configs:
                raise _no_config(ctx, name, key)
            del configs[key]
            self.save(ctx, record)
        return {"_status": 204}

    def list_function_event_invoke_configs(
        self, ctx: RequestContext, p: dict[str, Any]
    ) -> dict[str, Any]:
        name, _ = records.resolve_name(ctx, p["FunctionName"])
        record = self.store.get(
            records.FUNCTIONS, records.function_key(ctx.account_id, ctx.region, name)
        )
        if record is None:
            raise resource_not_found("The function doesn't exist.")
        items = [
            _out(ctx, name, key, c) for key, c in (record.get("EventInvokeConfig") or {}).items()
        ]
        start = int(p["Marker"]) if (p.get("Marker") or "").isdigit() else 0
        limit = p.get("MaxItems") or 50
        out: dict[str, Any] = {"FunctionEventInvokeConfigs": items[start : start + limit]}
        if start + limit < len(items):
            out["NextMarker"] = str(start + limit)
        return out

    def _write_event_config(
        self, ctx: RequestContext, p: dict[str, Any], replace: bool
    ) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        key = qualifier or records.LATEST
        _check_ranges(p)
        if all(
            p.get(k) is None
            for k in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
        ):
            raise invalid("You must specify at least one of error handling or destination setting.")
        with self.store.transaction():
            record = self.store.get(
                records.FUNCTIONS, records.function_key(ctx.account_id, ctx.region, name)
            )
            if record is None or not self._qualifier_exists(ctx, record, key):
                raise resource_not_found("The function doesn't exist.")
            configs = record.setdefault("EventInvokeConfig", {})
            if not replace and key not in configs:
                raise _no_config(ctx, name, key)
            if p.get("DestinationConfig") is not None:
                self._check_destinations(ctx, name, p["DestinationConfig"])
            config = {} if replace else dict(configs[key])
            for field in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
                if p.get(field) is not None:
                    config[field] = p[field]
            if p.get("DestinationConfig") is not None or replace:
                destinations = p.get("DestinationConfig") or {}
                config["DestinationConfig"] = {
                    side: dict(destinations.get(side) or {}) for side in ("OnSuccess", "OnFailure")
                }
            config["LastModified"] = self.clock.now()
            configs[key] = config
            self.save(ctx, record)
        return _out(ctx, name, key, config)

    def _qualifier_exists(self, ctx: RequestContext, record: dict[str, Any], key: str) -> bool:
        if key == records.LATEST:
            return True
        if not key.isdigit():
            return key in (record.get("Aliases") or {})
        name = record["Configuration"]["FunctionName"]
        return (
            self.store.get(
                records.VERSIONS, records.version_key(ctx.account_id, ctx.region, name, key)
            )
            is not None
        )

    def _check_destinations(
        self, ctx: RequestContext, name: str, destinations: dict[str, Any]
    ) -> None:
        bad = False
        for side in ("OnFailure", "OnSuccess"):
            arn = (destinations.get(side) or {}).get("Destination")
            if not arn:
                continue
            if not _DESTINATION.fullmatch(arn):
                raise validation(
                    f"1 validation error detected: Value '{arn}' at 'destinationConfig.{side[0].lower()}{side[1:]}.destination' failed to satisfy constraint: "
                    "Member must satisfy regular expression pattern: ^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)"
                )
            service = arn.split(":")[2]
            if service not in _SERVICES[side]:
                bad = True
            elif service == "lambda":
                target = records.parse_function_arn(arn)
                if (
                    target is None
                    or self.store.get(
                        records.FUNCTIONS, records.function_key(target[0], target[1], target[2])
                    )
                    is None
                ):
                    raise invalid(f"The destination ARN {arn} is invalid.")
                if target[:3] == (ctx.account_id, ctx.region, name):
                    raise invalid("You can't specify the function as a destination for itself.")
        if bad:
            on_success = (destinations.get("OnSuccess") or {}).get("Destination")
            on_failure = (destinations.get("OnFailure") or {}).get("Destination")
            success_text = f"OnSuccess(destination={on_success})" if on_success else "null"
            failure_text = f"OnFailure(destination={on_failure})" if on_failure else "null"
            raise invalid(
                f"The provided destination config DestinationConfig(onSuccess={success_text}, onFailure={failure_text}) is invalid."
            )


def _check_ranges(p: dict[str, Any]) -> None:
    """The upper bounds botocore's validator leaves to the service."""
    retries = p.get("MaximumRetryAttempts")
    if retries is not None and retries > MAX_RETRIES:
        raise validation(
            f"1 validation error detected: Value '{retries}' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to {MAX_RETRIES}"
        )
    age = p.get("MaximumEventAgeInSeconds")
    if age is not None and age > MAX_AGE_S:
        raise validation(
            f"1 validation error detected: Value '{age}' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to {MAX_AGE_S}"
        )
    if age is not None and age < MIN_AGE_S:
        raise validation(
            f"1 validation error detected: Value '{age}' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to {MIN_AGE_S}"
        )


def _out(ctx: RequestContext, name: str, key: str, config: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "LastModified": config["LastModified"],
        "FunctionArn": records.function_arn(ctx, ctx.region, name, key),
    }
    for field in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig"):
        if field in config:
            out[field] = config[field]
    return out


def _no_config(ctx: RequestContext, name: str, key: str):
    return resource_not_found(
        f"The function {records.function_arn(ctx, ctx.region, name, key)} doesn't have an EventInvokeConfig"
    )
