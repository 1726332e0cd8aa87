"""ListObjects and ListObjectsV2: prefixes, delimiters, pagination, markers and URL encoding."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote_plus

import pytest

from s3_helpers import raises_s3

TREE = [
    "a.txt",
    "docs/guide.md",
    "docs/img/logo.png",
    "docs/img/x/deep.png",
    "docs/readme",
    "logs/2024/01/app.log",
    "logs/2024/02/app.log",
    "logs/2025/01/app.log",
    "z",
]


@pytest.fixture
def tree(s3, bucket):
    for key in TREE:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


@pytest.fixture(scope="module")
def many(client_factory):
    """A bucket with 250 keys under three prefixes, written once for the module."""
    s3 = client_factory("s3")
    name = "listing-many-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=name)
    keys = [f"p{i % 3}/key-{i:04d}" for i in range(250)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=name, Key=k, Body=b"."), keys))
    return name, sorted(keys)


def keys_of(out: dict) -> list[str]:
    return [o["Key"] for o in out.get("Contents", [])]


def prefixes_of(out: dict) -> list[str]:
    return [p["Prefix"] for p in out.get("CommonPrefixes", [])]


# -- v2 --------------------------------------------------------------------------------------
def test_list_v2_everything(s3, tree):
    out = s3.list_objects_v2(Bucket=tree)
    assert keys_of(out) == sorted(TREE)
    assert out["KeyCount"] == len(TREE)
    assert out["IsTruncated"] is False
    assert out["Name"] == tree
    assert out["MaxKeys"] == 1000
    first = out["Contents"][0]
    assert first["Size"] == len(b"a.txt")
    assert first["ETag"].startswith('"')
    assert first["StorageClass"] == "STANDARD"
    assert "Owner" not in first


def test_list_v2_prefix_and_delimiter(s3, tree):
    out = s3.list_objects_v2(Bucket=tree, Delimiter="/")
    assert keys_of(out) == ["a.txt", "z"]
    assert prefixes_of(out) == ["docs/", "logs/"]
    assert out["KeyCount"] == 4
    assert out["Delimiter"] == "/"
    out = s3.list_objects_v2(Bucket=tree, Prefix="docs/", Delimiter="/")
    assert keys_of(out) == ["docs/guide.md", "docs/readme"]
    assert prefixes_of(out) == ["docs/img/"]
    assert out["Prefix"] == "docs/"
    out = s3.list_objects_v2(Bucket=tree, Prefix="logs/2024/", Delimiter="/")
    assert prefixes_of(out) == ["logs/2024/01/", "logs/2024/02/"]
    assert "Contents" not in out
    out = s3.list_objects_v2(Bucket=tree, Prefix="docs/i")
    assert keys_of(out) == ["docs/img/logo.png", "docs/img/x/deep.png"]
    out = s3.list_objects_v2(Bucket=tree, Prefix="nothing/")
    assert out["KeyCount"] == 0
    assert "Contents" not in out


def test_list_v2_other_delimiters(s3, tree):
    out = s3.list_objects_v2(Bucket=tree, Delimiter=".")
    assert prefixes_of(out) == [
        "a.",
        "docs/guide.",
        "docs/img/logo.",
        "docs/img/x/deep.",
        "logs/2024/01/app.",
        "logs/2024/02/app.",
        "logs/2025/01/app.",
    ]
    assert keys_of(out) == ["docs/readme", "z"]
    out = s3.list_objects_v2(Bucket=tree, Prefix="logs/", Delimiter="/01/")
    assert prefixes_of(out) == ["logs/2024/01/", "logs/2025/01/"]
    assert keys_of(out) == ["logs/2024/02/app.log"]


def test_list_v2_max_keys_counts_prefixes(s3, tree):
    out = s3.list_objects_v2(Bucket=tree, Delimiter="/", MaxKeys=2)
    assert keys_of(out) == ["a.txt"]
    assert prefixes_of(out) == ["docs/"]
    assert out["IsTruncated"] is True
    assert out["KeyCount"] == 2
    rest = s3.list_objects_v2(
        Bucket=tree, Delimiter="/", MaxKeys=2, ContinuationToken=out["NextContinuationToken"]
    )
    assert prefixes_of(rest) == ["logs/"]
    assert keys_of(rest) == ["z"]
    assert rest["IsTruncated"] is False
    assert rest["ContinuationToken"] == out["NextContinuationToken"]
    assert "NextContinuationToken" not in rest


def test_list_v2_max_keys_zero(s3, tree):
    out = s3.list_objects_v2(Bucket=tree, MaxKeys=0)
    assert out["KeyCount"] == 0
    assert out["MaxKeys"] == 0
    assert out["IsTruncated"] is False
    assert "Contents" not in out
    assert s3.list_objects(Bucket=tree, MaxKeys=0)["IsTruncated"] is False


def test_list_v2_start_after(s3, tree):
    out = s3.list_objects_v2(Bucket=tree, StartAfter="docs/readme")
    assert out["StartAfter"] == "docs/readme"
    assert keys_of(out) == [k for k in sorted(TREE) if k > "docs/readme"]
    out = s3.list_objects_v2(Bucket=tree, StartAfter="docs/", Delimiter="/")
    assert prefixes_of(out) == ["logs/"]  # docs/ itself is not after docs/
    assert keys_of(out) == ["z"]
    out = s3.list_objects_v2(Bucket=tree, StartAfter="zzz")
    assert "Contents" not in out


def test_list_v2_fetch_owner(s3, tree):
    owner_id = s3.list_buckets()["Owner"]["ID"]
    out = s3.list_objects_v2(Bucket=tree, FetchOwner=True, MaxKeys=1)
    assert out["Contents"][0]["Owner"]["ID"] == owner_id


def test_list_v2_pagination_over_hundreds_of_keys(s3, many):
    name, keys = many
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        out = s3.list_objects_v2(Bucket=name, MaxKeys=40, **kwargs)
        pages += 1
        assert out["KeyCount"] == len(out.get("Contents", []))
        seen += keys_of(out)
        if not out["IsTruncated"]:
            break
        token = out["NextContinuationToken"]
    assert pages == 7
    assert seen == keys


def test_list_v2_paginator(s3, many):
    name, keys = many
    paginator = s3.get_paginator("list_objects_v2")
    pages = list(paginator.paginate(Bucket=name, PaginationConfig={"PageSize": 100}))
    assert [len(p["Contents"]) for p in pages] == [100, 100, 50]
    assert [k for p in pages for k in keys_of(p)] == keys
    prefixed = paginator.paginate(Bucket=name, Prefix="p1/", PaginationConfig={"PageSize": 30})
    assert [k for p in prefixed for k in keys_of(p)] == [k for k in keys if k.startswith("p1/")]
    grouped = list(paginator.paginate(Bucket=name, Delimiter="/", PaginationConfig={"PageSize": 2}))
    assert [pr for p in grouped for pr in prefixes_of(p)] == ["p0/", "p1/", "p2/"]


def test_list_v2_bad_continuation_token(s3, tree):
    with raises_s3("InvalidArgument", 400):
        s3.list_objects_v2(Bucket=tree, ContinuationToken="not-a-token")


def test_list_v2_url_encoding(s3, bucket):
    odd = ["a b/c+d", "é/ü", "x%y", "q?&=", "tab\tkey"]
    for key in odd:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    out = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    assert out["EncodingType"] == "url"
    raw = keys_of(out)
    # Asked for explicitly, boto3 leaves the encoding alone: the keys arrive url-encoded.
    assert "a+b/c%2Bd" in raw
    assert sorted(unquote_plus(k) for k in raw) == sorted(odd)
    out = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Delimiter="/")
    assert sorted(unquote_plus(p) for p in prefixes_of(out)) == ["a b/", "é/"]
    assert out["Delimiter"] == "%2F" or unquote_plus(out["Delimiter"]) == "/"


def test_list_v2_url_encoding_on_the_wire(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a b/c+d é", Body=b"x")
    captured = {}

    def grab(response_dict, **_):
        captured["body"] = response_dict["body"].decode()

    s3.meta.events.register("before-parse.s3.ListObjectsV2", grab)
    try:
        s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    finally:
        s3.meta.events.unregister("before-parse.s3.ListObjectsV2", grab)
    assert "<Key>a+b/c%2Bd+%C3%A9</Key>" in captured["body"]


def test_list_v2_invalid_encoding_type(s3, bucket):
    with raises_s3("InvalidArgument", 400):
        s3.list_objects_v2(Bucket=bucket, EncodingType="base64")


# -- v1 --------------------------------------------------------------------------------------
def test_list_v1_marker_and_next_marker(s3, tree):
    out = s3.list_objects(Bucket=tree, MaxKeys=3)
    assert keys_of(out) == sorted(TREE)[:3]
    assert out["IsTruncated"] is True
    assert out["Marker"] == ""
    assert "NextMarker" not in out  # S3 sends NextMarker only with a delimiter
    assert out["Contents"][0]["Owner"]["ID"]
    rest = s3.list_objects(Bucket=tree, Marker=keys_of(out)[-1])
    assert keys_of(rest) == sorted(TREE)[3:]
    assert rest["Marker"] == keys_of(out)[-1]
    assert rest["IsTruncated"] is False


def test_list_v1_with_delimiter_pagination(s3, tree):
    out = s3.list_objects(Bucket=tree, Delimiter="/", MaxKeys=2)
    assert keys_of(out) == ["a.txt"]
    assert prefixes_of(out) == ["docs/"]
    assert out["NextMarker"] == "docs/"
    rest = s3.list_objects(Bucket=tree, Delimiter="/", Marker=out["NextMarker"])
    assert prefixes_of(rest) == ["logs/"]
    assert keys_of(rest) == ["z"]


def test_list_v1_paginator(s3, many):
    name, keys = many
    paginator = s3.get_paginator("list_objects")
    pages = list(paginator.paginate(Bucket=name, PaginationConfig={"PageSize": 60}))
    assert len(pages) == 5
    assert [k for p in pages for k in keys_of(p)] == keys


def test_list_v1_url_encoding(s3, bucket):
    odd = ["a b", "c+d", "ü"]
    for key in odd:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    out = s3.list_objects(Bucket=bucket, EncodingType="url")
    assert sorted(unquote_plus(k) for k in keys_of(out)) == sorted(odd)
    assert "c%2Bd" in keys_of(out)
    assert sorted(keys_of(s3.list_objects(Bucket=bucket))) == sorted(odd)  # boto3 decodes


def test_list_empty_and_missing_bucket(s3, bucket):
    out = s3.list_objects_v2(Bucket=bucket)
    assert out["KeyCount"] == 0
    assert "Contents" not in out
    with raises_s3("NoSuchBucket", 404):
        s3.list_objects_v2(Bucket=bucket + "-missing")
    with raises_s3("NoSuchBucket", 404):
        s3.list_objects(Bucket=bucket + "-missing")


def test_listing_hides_deleted_and_noncurrent(s3, versioned_bucket):
    b = versioned_bucket
    s3.put_object(Bucket=b, Key="kept", Body=b"1")
    s3.put_object(Bucket=b, Key="kept", Body=b"22")
    s3.put_object(Bucket=b, Key="gone", Body=b"1")
    s3.delete_object(Bucket=b, Key="gone")
    out = s3.list_objects_v2(Bucket=b)
    assert keys_of(out) == ["kept"]
    assert out["Contents"][0]["Size"] == 2


# Page-by-page answers S3 gives for one small tree (the sequences Ceph's s3-tests check on AWS).
PAGED_TREE = ["asdf", "boo/bar", "boo/baz/xyzzy", "cquux/thud", "cquux/bla"]
PAGED = [
    ("", 1, [(["asdf"], []), ([], ["boo/"]), ([], ["cquux/"])]),
    ("", 2, [(["asdf"], ["boo/"]), ([], ["cquux/"])]),
    ("boo/", 1, [(["boo/bar"], []), ([], ["boo/baz/"])]),
    ("boo/", 2, [(["boo/bar"], ["boo/baz/"])]),
]


@pytest.mark.parametrize("prefix, max_keys, pages", PAGED)
def test_delimiter_paging_v1(s3, bucket, prefix, max_keys, pages):
    for key in PAGED_TREE:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    marker = ""
    for i, (keys, prefixes) in enumerate(pages):
        out = s3.list_objects(
            Bucket=bucket, Prefix=prefix, Delimiter="/", MaxKeys=max_keys, Marker=marker
        )
        assert (keys_of(out), prefixes_of(out)) == (keys, prefixes)
        last = i == len(pages) - 1
        assert out["IsTruncated"] is not last
        if last:
            assert "NextMarker" not in out
        else:
            assert out["NextMarker"] == (prefixes or keys)[-1]
            marker = out["NextMarker"]


@pytest.mark.parametrize("prefix, max_keys, pages", PAGED)
def test_delimiter_paging_v2(s3, bucket, prefix, max_keys, pages):
    for key in PAGED_TREE:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    token = None
    for i, (keys, prefixes) in enumerate(pages):
        kwargs = {"ContinuationToken": token} if token else {}
        out = s3.list_objects_v2(
            Bucket=bucket, Prefix=prefix, Delimiter="/", MaxKeys=max_keys, **kwargs
        )
        assert (keys_of(out), prefixes_of(out)) == (keys, prefixes)
        assert out["KeyCount"] == len(keys) + len(prefixes)
        last = i == len(pages) - 1
        assert out["IsTruncated"] is not last
        assert ("NextContinuationToken" in out) is not last
        token = out.get("NextContinuationToken")


def test_empty_delimiter_is_no_delimiter(s3, tree):
    out = s3.list_objects_v2(Bucket=tree, Delimiter="")
    assert "Delimiter" not in out
    assert keys_of(out) == sorted(TREE)


def test_marker_after_last_key(s3, tree):
    out = s3.list_objects(Bucket=tree, Marker="zzz")
    assert out["IsTruncated"] is False
    assert "Contents" not in out
    assert out["Marker"] == "zzz"


def test_listed_dates_keep_milliseconds_and_agree_with_head_and_copy(s3, bucket):
    # Listings carry milliseconds (so versions written within one second still sort);
    # HEAD's Last-Modified header is the same instant at HTTP-date (second) precision.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    copied = s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/k")
    listed = {o["Key"]: o["LastModified"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    for key in ("k", "c"):
        assert (
            listed[key].replace(microsecond=0)
            == s3.head_object(Bucket=bucket, Key=key)["LastModified"]
        )
        assert listed[key].microsecond % 1000 == 0
    assert copied["CopyObjectResult"]["LastModified"] == listed["c"]
