"""TagResource, UntagResource and ListTagsForResource, for alarms by their ARN."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...protocol import ServiceError
from ...store import keys
from . import records
from .errors import invalid_value

MAX_TAGS = 50


class TagOperations:
    """Needs `store` and `_get` (an alarm by name) from AlarmOperations."""

    def _tagged_resource(self, ctx: RequestContext, arn: str) -> bytes:
        parts = arn.split(":", 6)
        if len(parts) < 7 or parts[2] != "cloudwatch":
            raise invalid_value(f"The value {arn} for parameter ResourceARN is invalid.")
        region, account, kind, name = parts[3], parts[4], parts[5], parts[6]
        found = (
            kind == "alarm"
            and region == ctx.region
            and account == ctx.account_id
            and self._get(ctx, name) is not None
        )
        if not found:
            raise ServiceError(
                "ResourceNotFoundException",
                f"{kind.capitalize()} {name} does not exist.",
                404,
                ResourceType=kind.upper() if kind else None,
                ResourceId=arn,
            )
        return keys.pack(arn)

    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        key = self._tagged_resource(ctx, params["ResourceARN"])
        tags = self.store.get(records.TAGS, key) or {}
        return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}

    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction():
            key = self._tagged_resource(ctx, params["ResourceARN"])
            tags = self.store.get(records.TAGS, key) or {}
            tags.update({t["Key"]: t["Value"] for t in params["Tags"]})
            if len(tags) > MAX_TAGS:
                raise invalid_value(f"A resource may have at most {MAX_TAGS} tags.")
            self.store.put(records.TAGS, key, tags)
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction():
            key = self._tagged_resource(ctx, params["ResourceARN"])
            tags = self.store.get(records.TAGS, key) or {}
            for k in params["TagKeys"]:
                tags.pop(k, None)
            self.store.put(records.TAGS, key, tags)
        return {}
