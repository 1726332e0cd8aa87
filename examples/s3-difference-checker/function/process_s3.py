"""List an object's versions, diff the newest two, delete the ones beyond KEEP_VERSIONS."""

from __future__ import annotations

import difflib
import json
import os
from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")


def process_s3(record: dict) -> None:
    bucket = record["s3"]["bucket"]["name"]
    key = unquote_plus(record["s3"]["object"]["key"])  # keys arrive URL-encoded

    data = s3.list_object_versions(Bucket=bucket, Prefix=key)
    # S3 lists a key's versions newest first; LastModified has only second precision, so a
    # stable sort of the reversed list keeps S3's order among versions made in one second.
    versions = [v for v in reversed(data.get("Versions", [])) if v["Key"] == key]
    versions.sort(key=lambda v: v["LastModified"])
    for number, version in enumerate(versions, start=1):
        version["VersionNumber"] = number

    if len(versions) < 2:
        log(
            "first version",
            bucket=bucket,
            key=key,
            new=versions[-1]["VersionId"] if versions else None,
        )
        return
    old, new = versions[-2], versions[-1]
    log(
        "diff",
        bucket=bucket,
        key=key,
        old=old["VersionId"],
        new=new["VersionId"],
        diff=compare_s3(bucket, key, old, new),
    )
    delete_s3(bucket, versions)


def compare_s3(bucket: str, key: str, old: dict, new: dict) -> list[str]:
    """The unified diff of two versions' text, line by line."""
    old_text = read(bucket, key, old["VersionId"])
    new_text = read(bucket, key, new["VersionId"])
    return list(
        difflib.unified_diff(
            old_text.splitlines(),
            new_text.splitlines(),
            fromfile=f"{key}@{old['VersionId']}",
            tofile=f"{key}@{new['VersionId']}",
            lineterm="",
        )
    )


def delete_s3(bucket: str, versions: list[dict]) -> None:
    """Delete every version that is KEEP_VERSIONS or more behind the newest."""
    keep = int(os.environ.get("KEEP_VERSIONS", "3"))
    doomed = [v for v in versions if len(versions) - v["VersionNumber"] >= keep]
    for v in doomed:
        print(f"Delete version {v['VersionNumber']}: versionId = {v['VersionId']}")
    if doomed:
        result = s3.delete_objects(
            Bucket=bucket,
            Delete={"Objects": [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in doomed]},
        )
        log(
            "deleted",
            bucket=bucket,
            key=doomed[0]["Key"],
            deleted=[d["VersionId"] for d in result.get("Deleted", [])],
            errors=result.get("Errors", []),
        )


def read(bucket: str, key: str, version_id: str) -> str:
    return s3.get_object(Bucket=bucket, Key=key, VersionId=version_id)["Body"].read().decode()


def log(what: str, **fields) -> None:
    """One JSON line per finding, so the log is easy to read and to query."""
    print(json.dumps({"difference-checker": what, **fields}))
