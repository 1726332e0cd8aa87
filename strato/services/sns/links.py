"""Strato's own routes for SNS: the outbox, and the SubscribeURL / UnsubscribeURL links.

The links are plain GETs (as AWS's are: a subscriber confirms by fetching SubscribeURL),
so they live under /_strato/sns/ rather than the signed AWS API.
"""

from __future__ import annotations

from ...protocol import HttpRequest, HttpResponse, ServiceError
from . import records
from .base import SnsBase

CONFIRM_PATH = "/_strato/sns/confirm"
UNSUBSCRIBE_PATH = "/_strato/sns/unsubscribe"


def _xml(status: int, body: str) -> HttpResponse:
    return HttpResponse(status=status, headers=[("Content-Type", "text/xml")], body=body.encode())


class LinkOperations(SnsBase):
    def handle_internal(self, req: HttpRequest) -> HttpResponse | None:
        path = req.raw_path.rstrip("/")
        if path == "/_strato/outbox":
            return self.outbox_response(req)  # type: ignore[attr-defined]
        if path not in (CONFIRM_PATH, UNSUBSCRIBE_PATH):
            return None
        query = req.query_dict()
        try:
            if path == CONFIRM_PATH:
                arn = self.confirm(query.get("TopicArn", ""), query.get("Token", ""))  # type: ignore[attr-defined]
                return _xml(
                    200,
                    "<ConfirmSubscriptionResponse><ConfirmSubscriptionResult>"
                    f"<SubscriptionArn>{arn}</SubscriptionArn>"
                    "</ConfirmSubscriptionResult></ConfirmSubscriptionResponse>",
                )
            parsed = records.parse_subscription_arn(query.get("SubscriptionArn", ""))
            if parsed is not None:
                self.store.delete(records.SUBSCRIPTIONS, records.subscription_key(*parsed))
            return _xml(200, "<UnsubscribeResponse><UnsubscribeResult/></UnsubscribeResponse>")
        except ServiceError as e:
            return _xml(400, f"<ErrorResponse><Error><Code>{e.code}</Code></Error></ErrorResponse>")
