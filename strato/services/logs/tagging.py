"""Tags on log groups: validation and the tag-set updates both tagging APIs share."""

from __future__ import annotations

import re

from ...protocol import ServiceError
from .errors import invalid_parameter

MAX_TAGS = 50
# The model's \p{L}\p{Z}\p{N} classes, in Python's terms (\w is Unicode letters, digits and _).
_KEY = re.compile(r"[\w\s.:/=+\-@]+")
_VALUE = re.compile(r"[\w\s.:/=+\-@]*")


def check_tags(tags: dict[str, str]) -> None:
    for key, value in tags.items():
        if not _KEY.fullmatch(key) or len(key) > 128:
            raise invalid_parameter(
                f"1 validation error detected: Value '{key}' at 'tags' failed to satisfy "
                "constraint: Map keys must satisfy constraint: "
                "[Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$]"
            )
        if key.lower().startswith("aws:"):
            raise invalid_parameter("Tag keys prefixed with 'aws:' are reserved.")
        if not _VALUE.fullmatch(value) or len(value) > 256:
            raise invalid_parameter(
                f"1 validation error detected: Value '{value}' at 'tags.{key}' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: "
                "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$"
            )


def merged(current: dict[str, str], new: dict[str, str], resource: str) -> dict[str, str]:
    check_tags(new)
    tags = {**current, **new}
    if len(tags) > MAX_TAGS:
        raise ServiceError(
            "TooManyTagsException",
            f"A resource can have no more than {MAX_TAGS} tags.",
            400,
            resourceName=resource,
        )
    return tags
