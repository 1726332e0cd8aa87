"""The hook every item change passes through, inside the transaction that makes it."""

from __future__ import annotations

from typing import Any

from . import ttl

Item = dict[str, dict[str, Any]]


class ChangeLog:
    def stream_change(
        self,
        ctx_account: str,
        region: str,
        table_record: dict[str, Any],
        keys: Item,
        old_image: Item | None,
        new_image: Item | None,
        service_deletion: bool = False,
    ) -> None:
        """Record one item change for DynamoDB Streams and keep the TTL index in step.

        Called inside the store transaction that writes the change, once per changed item:
        `keys` holds the item's key attributes, `old_image`/`new_image` the whole item
        before and after (None when absent), `service_deletion` is True for TTL deletions.
        Both writes join that transaction, so a record exists exactly when its change does.
        """
        ttl.track_change(self.store, ctx_account, region, table_record, keys, old_image, new_image)
        streams = self.platform.providers.get("dynamodbstreams")
        if streams is not None:
            streams.record_change(
                ctx_account, region, table_record, keys, old_image, new_image, service_deletion
            )
