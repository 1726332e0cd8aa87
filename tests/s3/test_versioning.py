"""Versioning: version ids, delete markers, suspended buckets and ListObjectVersions."""

from __future__ import annotations

import hashlib

import pytest

from s3_helpers import list_versions_in_order, raises_s3, status_of


def versions_of(s3, bucket: str, **kwargs) -> list[tuple[str, str, bool, bool]]:
    """(key, version id, is latest, is delete marker): per key the latest first, then the rest."""
    out = s3.list_object_versions(Bucket=bucket, **kwargs)
    entries = [(v, False) for v in out.get("Versions", [])]
    entries += [(m, True) for m in out.get("DeleteMarkers", [])]
    rows = [(e["Key"], e["VersionId"], e["IsLatest"], marker) for e, marker in entries]
    return sorted(rows, key=lambda r: (r[0], not r[2], r[1]))


def test_enabled_bucket_keeps_every_version(s3, versioned_bucket):
    b = versioned_bucket
    v1 = s3.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=b, Key="k", Body=b"two")["VersionId"]
    assert v1 and v2 and v1 != v2 and "null" not in (v1, v2)
    latest = s3.get_object(Bucket=b, Key="k")
    assert latest["Body"].read() == b"two"
    assert latest["VersionId"] == v2
    old = s3.get_object(Bucket=b, Key="k", VersionId=v1)
    assert old["Body"].read() == b"one"
    assert old["VersionId"] == v1
    head = s3.head_object(Bucket=b, Key="k", VersionId=v1)
    assert head["ContentLength"] == 3
    assert head["VersionId"] == v1


def test_delete_creates_marker_and_marker_removal_restores(s3, versioned_bucket):
    b = versioned_bucket
    v1 = s3.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
    out = s3.delete_object(Bucket=b, Key="k")
    assert out["DeleteMarker"] is True
    marker = out["VersionId"]
    assert marker != v1
    with raises_s3("NoSuchKey", 404) as info:
        s3.get_object(Bucket=b, Key="k")
    headers = info.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true"
    assert headers["x-amz-version-id"] == marker
    with raises_s3("404", 404) as info:
        s3.head_object(Bucket=b, Key="k")
    assert info.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    assert s3.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read() == b"one"
    removed = s3.delete_object(Bucket=b, Key="k", VersionId=marker)
    assert removed["DeleteMarker"] is True
    assert removed["VersionId"] == marker
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"one"


def test_get_delete_marker_version_is_method_not_allowed(s3, versioned_bucket):
    b = versioned_bucket
    s3.put_object(Bucket=b, Key="k", Body=b"one")
    marker = s3.delete_object(Bucket=b, Key="k")["VersionId"]
    with raises_s3("MethodNotAllowed", 405) as info:
        s3.get_object(Bucket=b, Key="k", VersionId=marker)
    headers = info.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true"
    assert headers["allow"] == "DELETE"
    with raises_s3("405", 405):
        s3.head_object(Bucket=b, Key="k", VersionId=marker)
    with raises_s3("MethodNotAllowed", 405):
        s3.put_object_tagging(Bucket=b, Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})


def test_delete_specific_version_is_permanent(s3, versioned_bucket):
    b = versioned_bucket
    v1 = s3.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=b, Key="k", Body=b"two")["VersionId"]
    out = s3.delete_object(Bucket=b, Key="k", VersionId=v2)
    assert out["VersionId"] == v2
    assert "DeleteMarker" not in out
    assert s3.get_object(Bucket=b, Key="k")["VersionId"] == v1
    with raises_s3("NoSuchVersion", 404):
        s3.get_object(Bucket=b, Key="k", VersionId=v2)
    assert versions_of(s3, b) == [("k", v1, True, False)]


def test_unknown_version_ids(s3, versioned_bucket, bucket):
    s3.put_object(Bucket=versioned_bucket, Key="k", Body=b"x")
    with raises_s3("NoSuchVersion", 404):
        s3.get_object(Bucket=versioned_bucket, Key="k", VersionId="0" * 32)
    plain = bucket + "-plain"
    s3.create_bucket(Bucket=plain)
    s3.put_object(Bucket=plain, Key="k", Body=b"x")
    with raises_s3("InvalidArgument", 400):
        s3.get_object(Bucket=plain, Key="k", VersionId="0" * 32)
    assert s3.get_object(Bucket=plain, Key="k", VersionId="null")["Body"].read() == b"x"
    with raises_s3("InvalidArgument", 400):
        s3.delete_object(Bucket=plain, Key="k", VersionId="0" * 32)


def test_unversioned_object_becomes_null_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")
    assert "VersionId" not in s3.head_object(Bucket=bucket, Key="k")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.head_object(Bucket=bucket, Key="k")["VersionId"] == "null"
    v = s3.put_object(Bucket=bucket, Key="k", Body=b"after")["VersionId"]
    assert versions_of(s3, bucket) == [("k", v, True, False), ("k", "null", False, False)]
    got = s3.get_object(Bucket=bucket, Key="k", VersionId="null")
    assert got["Body"].read() == b"before"
    assert got["VersionId"] == "null"


def test_suspended_bucket_replaces_null_version(s3, versioned_bucket):
    b = versioned_bucket
    v1 = s3.put_object(Bucket=b, Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
    first = s3.put_object(Bucket=b, Key="k", Body=b"null one")
    assert first["VersionId"] == "null"
    s3.put_object(Bucket=b, Key="k", Body=b"null two")
    assert versions_of(s3, b) == [("k", "null", True, False), ("k", v1, False, False)]
    got = s3.get_object(Bucket=b, Key="k")
    assert got["Body"].read() == b"null two"
    assert got["VersionId"] == "null"
    # A delete in a suspended bucket puts a null delete marker in place of the null version.
    out = s3.delete_object(Bucket=b, Key="k")
    assert out["DeleteMarker"] is True
    assert out["VersionId"] == "null"
    assert versions_of(s3, b) == [("k", "null", True, True), ("k", v1, False, False)]
    assert s3.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read() == b"kept"


def test_suspended_bucket_keeps_old_versions_listed_after_reenable(s3, versioned_bucket):
    b = versioned_bucket
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=b, Key="k", Body=b"null")
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    v = s3.put_object(Bucket=b, Key="k", Body=b"new")["VersionId"]
    assert versions_of(s3, b) == [("k", v, True, False), ("k", "null", False, False)]


def test_versions_written_within_one_second_stay_ordered(s3, versioned_bucket):
    b = versioned_bucket
    written = [
        s3.put_object(Bucket=b, Key="k", Body=str(i).encode())["VersionId"] for i in range(6)
    ]
    out = s3.list_object_versions(Bucket=b)
    listed = [v["VersionId"] for v in out["Versions"]]
    assert listed == list(reversed(written))
    assert [v["IsLatest"] for v in out["Versions"]] == [True] + [False] * 5
    stamps = [v["LastModified"] for v in out["Versions"]]
    assert stamps == sorted(stamps, reverse=True)
    # Millisecond precision: six writes a few ms apart do not collapse into one timestamp.
    assert len(set(stamps)) > 1
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"5"


def test_list_object_versions_prefix_and_fields(s3, versioned_bucket):
    b = versioned_bucket
    a1 = s3.put_object(Bucket=b, Key="logs/a", Body=b"1")["VersionId"]
    a2 = s3.put_object(Bucket=b, Key="logs/a", Body=b"22")["VersionId"]
    s3.put_object(Bucket=b, Key="other", Body=b"x")
    marker = s3.delete_object(Bucket=b, Key="logs/b")["VersionId"]
    out = s3.list_object_versions(Bucket=b, Prefix="logs/")
    assert out["Prefix"] == "logs/"
    assert out["IsTruncated"] is False
    versions = out["Versions"]
    assert [(v["Key"], v["VersionId"], v["IsLatest"], v["Size"]) for v in versions] == [
        ("logs/a", a2, True, 2),
        ("logs/a", a1, False, 1),
    ]
    assert versions[0]["ETag"] == '"' + hashlib.md5(b"22").hexdigest() + '"'
    assert versions[0]["StorageClass"] == "STANDARD"
    assert versions[0]["Owner"]["ID"]
    markers = out["DeleteMarkers"]
    assert [(m["Key"], m["VersionId"], m["IsLatest"]) for m in markers] == [
        ("logs/b", marker, True)
    ]


def test_list_object_versions_with_delimiter(s3, versioned_bucket):
    b = versioned_bucket
    for key in ("a/1", "a/2", "b/1", "top"):
        s3.put_object(Bucket=b, Key=key, Body=b"x")
    out = s3.list_object_versions(Bucket=b, Delimiter="/")
    assert [p["Prefix"] for p in out["CommonPrefixes"]] == ["a/", "b/"]
    assert [v["Key"] for v in out["Versions"]] == ["top"]


def test_list_object_versions_pagination(s3, versioned_bucket):
    b = versioned_bucket
    expected = []
    for key in ("a", "b", "c"):
        ids = [s3.put_object(Bucket=b, Key=key, Body=b"x")["VersionId"] for _ in range(3)]
        if key == "b":
            ids.append(s3.delete_object(Bucket=b, Key=key)["VersionId"])
        expected += [(key, v) for v in reversed(ids)]
    pages: list[set[tuple[str, str, bool]]] = []
    kwargs: dict = {}
    while True:
        out = s3.list_object_versions(Bucket=b, MaxKeys=2, **kwargs)
        page = out.get("Versions", []) + out.get("DeleteMarkers", [])
        pages.append({(e["Key"], e["VersionId"], e["IsLatest"]) for e in page})
        if not out["IsTruncated"]:
            break
        assert out["MaxKeys"] == 2
        kwargs = {"KeyMarker": out["NextKeyMarker"], "VersionIdMarker": out["NextVersionIdMarker"]}
    latest = {expected[0], expected[3], expected[7]}
    flagged = [(k, v, (k, v) in latest) for k, v in expected]
    assert pages == [set(flagged[i : i + 2]) for i in range(0, len(flagged), 2)]
    # The paginator walks the same pages.
    paginator = s3.get_paginator("list_object_versions")
    walked = [
        (e["Key"], e["VersionId"])
        for page in paginator.paginate(Bucket=b, PaginationConfig={"PageSize": 2})
        for e in page.get("Versions", []) + page.get("DeleteMarkers", [])
    ]
    assert sorted(walked) == sorted(expected)


def test_key_marker_alone_skips_whole_key(s3, versioned_bucket):
    b = versioned_bucket
    for key in ("a", "b"):
        s3.put_object(Bucket=b, Key=key, Body=b"1")
        s3.put_object(Bucket=b, Key=key, Body=b"2")
    out = s3.list_object_versions(Bucket=b, KeyMarker="a")
    assert {v["Key"] for v in out["Versions"]} == {"b"}
    assert out["KeyMarker"] == "a"


def test_version_id_marker_needs_key_marker(s3, versioned_bucket):
    with raises_s3("InvalidArgument", 400):
        s3.list_object_versions(Bucket=versioned_bucket, VersionIdMarker="null")


def test_copy_of_a_specific_version(s3, versioned_bucket):
    b = versioned_bucket
    v1 = s3.put_object(Bucket=b, Key="src", Body=b"first")["VersionId"]
    s3.put_object(Bucket=b, Key="src", Body=b"second")
    out = s3.copy_object(
        Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src", "VersionId": v1}
    )
    assert out["CopySourceVersionId"] == v1
    assert out["VersionId"] not in (None, "null", v1)
    assert s3.get_object(Bucket=b, Key="dst")["Body"].read() == b"first"
    # Copying an object onto itself from an older version restores that version.
    s3.copy_object(Bucket=b, Key="src", CopySource={"Bucket": b, "Key": "src", "VersionId": v1})
    assert s3.get_object(Bucket=b, Key="src")["Body"].read() == b"first"


def test_copy_of_a_delete_marker_version(s3, versioned_bucket):
    b = versioned_bucket
    s3.put_object(Bucket=b, Key="src", Body=b"x")
    marker = s3.delete_object(Bucket=b, Key="src")["VersionId"]
    with raises_s3("InvalidRequest", 400):
        s3.copy_object(
            Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src", "VersionId": marker}
        )
    with raises_s3("NoSuchKey", 404):
        s3.copy_object(Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src"})


def test_tagging_a_specific_version(s3, versioned_bucket):
    b = versioned_bucket
    v1 = s3.put_object(Bucket=b, Key="k", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket=b, Key="k", Body=b"2")["VersionId"]
    out = s3.put_object_tagging(
        Bucket=b, Key="k", VersionId=v1, Tagging={"TagSet": [{"Key": "old", "Value": "yes"}]}
    )
    assert out["VersionId"] == v1
    assert s3.get_object_tagging(Bucket=b, Key="k", VersionId=v1)["TagSet"] == [
        {"Key": "old", "Value": "yes"}
    ]
    current = s3.get_object_tagging(Bucket=b, Key="k")
    assert current["TagSet"] == []
    assert current["VersionId"] == v2


@pytest.mark.parametrize("quiet", [False, True])
def test_batch_delete_of_every_version_empties_bucket(s3, versioned_bucket, quiet):
    b = versioned_bucket
    s3.put_object(Bucket=b, Key="k", Body=b"1")
    s3.put_object(Bucket=b, Key="k", Body=b"2")
    s3.delete_object(Bucket=b, Key="k")
    listing = s3.list_object_versions(Bucket=b)
    targets = [
        {"Key": e["Key"], "VersionId": e["VersionId"]}
        for e in listing["Versions"] + listing["DeleteMarkers"]
    ]
    out = s3.delete_objects(Bucket=b, Delete={"Objects": targets, "Quiet": quiet})
    assert "Errors" not in out
    assert len(out.get("Deleted", [])) == (0 if quiet else 3)
    assert status_of(s3.delete_bucket(Bucket=b)) == 204


def test_versions_and_delete_markers_interleave_on_the_wire(s3, versioned_bucket):
    b = versioned_bucket
    v1 = s3.put_object(Bucket=b, Key="a", Body=b"1")["VersionId"]
    marker = s3.delete_object(Bucket=b, Key="a")["VersionId"]
    v2 = s3.put_object(Bucket=b, Key="b", Body=b"1")["VersionId"]
    _, entries = list_versions_in_order(s3, Bucket=b)
    assert entries == [("a", marker, True, True), ("a", v1, False, False), ("b", v2, True, False)]
