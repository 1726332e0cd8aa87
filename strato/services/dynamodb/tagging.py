"""TagResource, UntagResource and ListTagsOfResource on table ARNs."""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from . import records
from .base import DynamoDBBase
from .errors import no_such_resource_arn, validation

MAX_TAGS = 50


class TaggingOperations(DynamoDBBase):
    def _tagged_table(self, ctx: RequestContext, arn: str) -> dict[str, Any]:
        parsed = records.parse_table_arn(arn)
        if parsed is None or parsed[:2] != (ctx.account_id, ctx.region):
            raise validation(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
        record = self.table(ctx, None, parsed[2])
        if record is None:
            raise no_such_resource_arn(arn)
        return record

    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        if not params["Tags"]:
            raise validation("Atleast one Tag needs to be provided as Input.")
        with self.store.transaction():
            record = self._tagged_table(ctx, params["ResourceArn"])
            tags = {t["Key"]: t["Value"] for t in record.get("Tags", [])}
            for tag in params["Tags"]:
                if tag["Key"].startswith("aws:"):
                    raise validation(f"Tag Key cannot be prefixed with aws:, Key: {tag['Key']}")
                tags[tag["Key"]] = tag["Value"]
            if len(tags) > MAX_TAGS:
                raise validation(
                    "Number of Tags exceed the current limit for the provided ResourceArn"
                )
            record["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
            self.save_table(ctx.account_id, ctx.region, record)
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        if not params["TagKeys"]:
            raise validation("Atleast one Tag Key needs to be provided as Input.")
        with self.store.transaction():
            record = self._tagged_table(ctx, params["ResourceArn"])
            drop = set(params["TagKeys"])
            record["Tags"] = [t for t in record.get("Tags", []) if t["Key"] not in drop]
            self.save_table(ctx.account_id, ctx.region, record)
        return {}

    def list_tags_of_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        record = self._tagged_table(ctx, params["ResourceArn"])
        return {"Tags": record.get("Tags", [])}
