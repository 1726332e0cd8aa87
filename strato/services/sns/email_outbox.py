"""Email and email-json deliveries, captured to the store and served at GET /_strato/outbox."""

from __future__ import annotations

import json
from typing import Any

from ...protocol import HttpRequest, HttpResponse
from ...store import keys
from . import envelope, records
from .base import SnsBase


class EmailOutboxOperations(SnsBase):
    def capture_email(
        self,
        sub: dict[str, Any],
        subject: str,
        body: str,
        message_id: str,
        token: str | None = None,
    ) -> None:
        now = self.clock.now()
        item = {
            "MessageId": message_id,
            "Protocol": sub["Protocol"],
            "To": sub["Endpoint"],
            "Subject": subject,
            "Body": body,
            "TopicArn": sub["TopicArn"],
            "SubscriptionArn": sub["SubscriptionArn"],
            "Timestamp": envelope.timestamp(now),
        }
        if token:
            item["Token"] = token
        self.store.put(records.OUTBOX, keys.pack(f"{int(now * 1e6):020d}", message_id), item)

    def outbox_response(self, req: HttpRequest) -> HttpResponse:
        """GET: every captured email, oldest first; DELETE: empty the outbox."""
        if req.method == "DELETE":
            for key, _ in list(self.store.scan(records.OUTBOX)):
                self.store.delete(records.OUTBOX, key)
            items: list = []
        else:
            items = [v for _, v in self.store.scan(records.OUTBOX)]
        return HttpResponse(
            status=200,
            headers=[("Content-Type", "application/json")],
            body=json.dumps(items).encode(),
        )
