"""Assertions shared by the S3 integration tests."""

from __future__ import annotations

from contextlib import contextmanager
from xml.etree import ElementTree

import pytest
from botocore.exceptions import ClientError


@contextmanager
def raises_s3(code: str, status: int | None = None):
    """Expect a ClientError with S3 error `code` (and HTTP `status`); yields pytest's ExceptionInfo."""
    with pytest.raises(ClientError) as info:
        yield info
    err = info.value.response
    assert err["Error"]["Code"] == code, err
    if status is not None:
        assert err["ResponseMetadata"]["HTTPStatusCode"] == status, err


def status_of(response: dict) -> int:
    return response["ResponseMetadata"]["HTTPStatusCode"]


def list_versions_in_order(s3, **kwargs) -> tuple[dict, list[tuple[str, str, bool, bool]]]:
    """ListObjectVersions, plus (key, version id, is latest, is delete marker) in wire order.

    botocore splits <Version> and <DeleteMarker> into two lists; S3 interleaves them, newest
    first per key, and that order is part of what a caller relies on.
    """
    captured: dict[str, bytes] = {}

    def grab(response_dict, **_):
        captured["body"] = response_dict["body"]

    event = "before-parse.s3.ListObjectVersions"
    s3.meta.events.register(event, grab)
    try:
        out = s3.list_object_versions(**kwargs)
    finally:
        s3.meta.events.unregister(event, grab)
    root = ElementTree.fromstring(captured["body"])
    entries = []
    for child in root:
        tag = child.tag.rpartition("}")[2]
        if tag in ("Version", "DeleteMarker"):
            fields = {c.tag.rpartition("}")[2]: c.text for c in child}
            entries.append(
                (
                    fields["Key"],
                    fields["VersionId"],
                    fields["IsLatest"] == "true",
                    tag == "DeleteMarker",
                )
            )
    return out, entries
