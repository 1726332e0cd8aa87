"""Tag sets on buckets and objects: validation and the x-amz-tagging header form."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from ...protocol import ServiceError


def check_tag_set(tags: list[dict[str, str]], limit: int) -> None:
    if len(tags) > limit:
        raise ServiceError("BadRequest", f"Object tags cannot be greater than {limit}", 400)
    seen = set()
    for tag in tags:
        key = tag.get("Key", "")
        if key in seen:
            raise ServiceError(
                "InvalidTag", "Cannot provide multiple Tags with the same key", 400, TagKey=key
            )
        seen.add(key)
        if not key or len(key) > 128:
            raise ServiceError(
                "InvalidTag", "The TagKey you have provided is invalid", 400, TagKey=key
            )
        if len(tag.get("Value", "")) > 256:
            raise ServiceError(
                "InvalidTag", "The TagValue you have provided is invalid", 400, TagKey=key
            )
        if key.startswith("aws:"):
            raise ServiceError(
                "InvalidTag", "Your TagKey cannot be prefixed with aws:", 400, TagKey=key
            )


def parse_tagging_header(value: str) -> list[dict[str, str]]:
    tags = [{"Key": k, "Value": v} for k, v in parse_qsl(value, keep_blank_values=True)]
    check_tag_set(tags, limit=10)
    return tags


def tagging_header(tags: list[dict[str, str]]) -> str:
    return urlencode([(t["Key"], t["Value"]) for t in tags])
