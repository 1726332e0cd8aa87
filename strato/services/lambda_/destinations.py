"""Where the outcome of an asynchronous invocation goes: destinations and the dead-letter queue.

On success the "invocation record" goes to the OnSuccess destination; after the final
failure to the OnFailure destination, or else the original event to the function's
DeadLetterConfig target. A Lambda destination is invoked asynchronously here.

The seam to other services: for an SQS, SNS or EventBridge (or, on failure, S3) ARN,
Lambda calls the hosted provider of that service, if it has them:

    deliver_lambda_destination(arn: str, record_json: str) -> None
        Take one invocation record for the queue / topic / event bus named by `arn`.
        The provider wraps it as its service does: the SQS message body, the SNS
        message, the EventBridge event's `detail` (source "lambda", detail-type
        "Lambda Function Invocation Result - Success" or "... - Failure").
    deliver_lambda_dead_letter(arn: str, body: str, attributes: dict[str, str]) -> None
        Take one failed event for a dead-letter queue or topic: `body` is the original
        event, `attributes` the message attributes AWS adds (RequestID, ErrorCode,
        ErrorMessage).

Both run inside the store transaction that settles the invocation, so they should
only record the message durably (never wait on I/O); an exception is logged and the
record dropped, as AWS drops a record it cannot deliver.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from ...runtime.invocation import Outcome
from . import records
from .base import LambdaBase
from .invoke import lineage_header

log = logging.getLogger("strato.lambda")

SUCCESS = "Success"


class DestinationDelivery(LambdaBase):
    def deliver_result(
        self,
        ctx: RequestContext,
        item: dict[str, Any],
        payload: bytes,
        outcome: Outcome | None,
        condition: str,
        error: ServiceError | None = None,
    ) -> None:
        """Send a settled asynchronous invocation where its configuration says (inside the
        caller's transaction). A record that cannot be delivered is logged and dropped: it must
        never undo the settling of the invocation itself."""
        try:
            self._deliver(ctx, item, payload, outcome, condition, error)
        except Exception:
            log.exception("asynchronous invocation %s: delivering its result failed", item["Id"])

    def _deliver(
        self,
        ctx: RequestContext,
        item: dict[str, Any],
        payload: bytes,
        outcome: Outcome | None,
        condition: str,
        error: ServiceError | None,
    ) -> None:
        try:
            record = self.function(ctx, item["Function"])
        except ServiceError:
            return  # the function is gone, and its configuration with it
        qualifier = item["Qualifier"] or records.LATEST
        settings = (record.get("EventInvokeConfig") or {}).get(qualifier) or {}
        side = "OnSuccess" if condition == SUCCESS else "OnFailure"
        target = ((settings.get("DestinationConfig") or {}).get(side) or {}).get("Destination")
        if target:
            document = invocation_record(
                ctx, item, payload, outcome, condition, self.clock.now(), error
            )
            self._send_record(ctx, item, target, json.dumps(document))
        elif condition != SUCCESS:
            self._dead_letter(ctx, record, item, payload, outcome, error)

    def _send_record(
        self, ctx: RequestContext, item: dict[str, Any], arn: str, record_json: str
    ) -> None:
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        if service == "lambda":
            target = records.parse_function_arn(arn)
            if target is None:
                log.warning(
                    "asynchronous invocation %s: destination %s is not a function ARN",
                    item["Id"],
                    arn,
                )
                return
            account, region, name, qualifier = target
            dest_ctx = RequestContext(
                account, region, item["Principal"], None, str(uuid.uuid4()), service="lambda"
            )
            try:
                self.invoke_async(  # type: ignore[attr-defined]
                    dest_ctx,
                    name,
                    qualifier,
                    record_json.encode(),
                    trace_header=lineage_header(item.get("Lineage", 0)),
                )
            except ServiceError as err:
                log.warning(
                    "asynchronous invocation %s: destination function %s: %s",
                    item["Id"],
                    arn,
                    err.message,
                )
            return
        self._hand_to_service(service, "deliver_lambda_destination", arn, record_json)

    def _dead_letter(
        self,
        ctx: RequestContext,
        record: dict[str, Any],
        item: dict[str, Any],
        payload: bytes,
        outcome: Outcome | None,
        error: ServiceError | None,
    ) -> None:
        version = outcome.executed_version if outcome is not None else None
        try:
            config = self.version_config(ctx, record, version)
        except ServiceError:
            config = record["Configuration"]
        arn = (config.get("DeadLetterConfig") or {}).get("TargetArn")
        if not arn:
            return
        code, message = _error_of(outcome, error)
        attributes = {"RequestID": item["Id"], "ErrorCode": str(code), "ErrorMessage": message}
        self._hand_to_service(
            arn.split(":")[2] if arn.count(":") >= 5 else "",
            "deliver_lambda_dead_letter",
            arn,
            payload.decode(),
            attributes,
        )

    def _hand_to_service(self, service: str, method: str, arn: str, *args: Any) -> None:
        deliver = getattr(self.platform.providers.get(service), method, None)
        if deliver is None:
            log.warning(
                "Lambda cannot deliver to %s yet: Strato does not host %s destinations; the record was dropped",
                arn,
                service or "these",
            )
            return
        try:
            deliver(arn, *args)
        except Exception:
            log.exception(
                "delivering an asynchronous invocation record to %s failed; the record was dropped",
                arn,
            )


def invocation_record(
    ctx: RequestContext,
    item: dict[str, Any],
    payload: bytes,
    outcome: Outcome | None,
    condition: str,
    now: float,
    error: ServiceError | None = None,
) -> dict[str, Any]:
    """The JSON document AWS sends a destination about one asynchronous invocation."""
    qualifier = item["Qualifier"] or records.LATEST
    response: dict[str, Any]
    if outcome is not None:
        response = {"statusCode": 200, "executedVersion": outcome.executed_version}
        if outcome.failed:
            response["functionError"] = "Unhandled"
        response_payload = _json_or_text(outcome.payload)
    else:
        code, message = _error_of(None, error)
        response = {
            "statusCode": code,
            "functionError": "Unhandled",
        }  # it never ran: no executed version
        response_payload = {
            "errorType": error.code if error else "ServiceException",
            "errorMessage": message,
        }
    stamp = dt.datetime.fromtimestamp(now, dt.UTC)
    return {
        "version": "1.0",
        "timestamp": stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z",
        "requestContext": {
            "requestId": item["Id"],
            "functionArn": records.function_arn(ctx, ctx.region, item["Function"], qualifier),
            "condition": condition,
            "approximateInvokeCount": item["Attempt"] + 1,
        },
        "requestPayload": _json_or_text(payload),
        "responseContext": response,
        "responsePayload": response_payload,
    }


def _json_or_text(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")


def _error_of(outcome: Outcome | None, error: ServiceError | None) -> tuple[int, str]:
    if outcome is not None:
        body = _json_or_text(outcome.payload)
        message = body.get("errorMessage", "") if isinstance(body, dict) else str(body)
        return 200, message
    if error is not None:
        return error.status, error.message
    return 500, "An error occurred during the invocation."
