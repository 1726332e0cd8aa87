"""Objects: writes, reads, conditions, copies, checksums, tags, batch deletes, presigned URLs."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import os
import time
import urllib.error
import urllib.request
import zlib
from urllib.parse import urlsplit

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from s3_helpers import raises_s3, status_of

BODY = b"hello world!"  # 12 bytes


def md5_etag(data: bytes) -> str:
    return '"' + hashlib.md5(data).hexdigest() + '"'


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


@pytest.fixture
def obj(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=BODY)
    return bucket, "obj"


# -- put, get, head, delete ----------------------------------------------------------------
def test_put_get_head_delete(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY)
    assert put["ETag"] == md5_etag(BODY)
    assert "VersionId" not in put
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == BODY
    assert got["ContentLength"] == len(BODY)
    assert got["ETag"] == md5_etag(BODY)
    assert got["ContentType"] == "binary/octet-stream"
    assert got["AcceptRanges"] == "bytes"
    assert "VersionId" not in got
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentLength"] == len(BODY)
    assert head["ETag"] == got["ETag"]
    assert head["LastModified"] == got["LastModified"]
    assert head["LastModified"].microsecond == 0  # HTTP dates carry whole seconds
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert status_of(deleted) == 204
    assert "DeleteMarker" not in deleted
    with raises_s3("NoSuchKey", 404) as info:
        s3.get_object(Bucket=bucket, Key="k")
    assert info.value.response["Error"]["Key"] == "k"
    with raises_s3("404", 404):
        s3.head_object(Bucket=bucket, Key="k")


def test_overwrite_replaces_body_and_metadata(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"one", Metadata={"a": "1"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"two"
    assert got["Metadata"] == {}


def test_delete_missing_key_succeeds(s3, bucket):
    assert status_of(s3.delete_object(Bucket=bucket, Key="never-there")) == 204


def test_key_too_long(s3, bucket):
    with raises_s3("KeyTooLongError", 400):
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    s3.put_object(Bucket=bucket, Key="k" * 1024, Body=b"x")


def test_empty_object(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["ContentLength"] == 0
    assert got["Body"].read() == b""
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [("empty", 0)]


@pytest.mark.parametrize("size", [1 << 20, 10 << 20], ids=["1MiB", "10MiB"])
def test_large_objects_round_trip(s3, bucket, size):
    data = os.urandom(size)
    put = s3.put_object(Bucket=bucket, Key="big", Body=data)
    assert put["ETag"] == md5_etag(data)
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["ContentLength"] == size
    assert hashlib.md5(got["Body"].read()).hexdigest() == hashlib.md5(data).hexdigest()
    tail = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={size - 100}-")
    assert tail["Body"].read() == data[-100:]
    assert tail["ContentRange"] == f"bytes {size - 100}-{size - 1}/{size}"


def test_put_with_content_md5(s3, bucket):
    good = b64(hashlib.md5(BODY).digest())
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, ContentMD5=good)
    with raises_s3("BadDigest", 400):
        s3.put_object(
            Bucket=bucket, Key="k2", Body=BODY, ContentMD5=b64(hashlib.md5(b"x").digest())
        )
    with raises_s3("InvalidDigest", 400):
        s3.put_object(Bucket=bucket, Key="k2", Body=BODY, ContentMD5="not-base64!")
    with raises_s3("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="k2")  # a rejected upload leaves nothing behind


# -- metadata and content headers ------------------------------------------------------
def test_user_metadata_round_trip(s3, bucket):
    s3.put_object(
        Bucket=bucket, Key="k", Body=b"x", Metadata={"Color": "blue", "multi-word": "a b c"}
    )
    expected = {"color": "blue", "multi-word": "a b c"}
    assert s3.get_object(Bucket=bucket, Key="k")["Metadata"] == expected
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == expected


def test_metadata_too_large(s3, bucket):
    with raises_s3("MetadataTooLarge", 400):
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"big": "v" * 2100})


def test_content_headers_round_trip(s3, bucket):
    expires = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    headers = {
        "ContentType": "text/html; charset=utf-8",
        "ContentDisposition": 'attachment; filename="page.html"',
        "CacheControl": "max-age=3600, public",
        "ContentEncoding": "gzip",
        "ContentLanguage": "en-GB",
    }
    s3.put_object(Bucket=bucket, Key="page", Body=b"<html/>", Expires=expires, **headers)
    for out in (
        s3.get_object(Bucket=bucket, Key="page"),
        s3.head_object(Bucket=bucket, Key="page"),
    ):
        for name, value in headers.items():
            assert out[name] == value, name
        assert out["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Wed, 02 Jan 2030 03:04:05 GMT"


def test_response_overrides(s3, obj):
    b, k = obj
    out = s3.get_object(
        Bucket=b,
        Key=k,
        ResponseContentType="text/plain",
        ResponseContentDisposition="inline",
        ResponseCacheControl="no-cache",
        ResponseContentLanguage="fr",
        ResponseContentEncoding="identity",
    )
    assert out["ContentType"] == "text/plain"
    assert out["ContentDisposition"] == "inline"
    assert out["CacheControl"] == "no-cache"
    assert out["ContentLanguage"] == "fr"
    assert out["ContentEncoding"] == "identity"
    assert s3.head_object(Bucket=b, Key=k)["ContentType"] == "binary/octet-stream"


# -- ranges ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header, first, last",
    [("bytes=0-4", 0, 4), ("bytes=5-", 5, 11), ("bytes=-3", 9, 11), ("bytes=6-100", 6, 11)],
)
def test_get_range(s3, obj, header, first, last):
    b, k = obj
    out = s3.get_object(Bucket=b, Key=k, Range=header)
    assert status_of(out) == 206
    assert out["Body"].read() == BODY[first : last + 1]
    assert out["ContentLength"] == last - first + 1
    assert out["ContentRange"] == f"bytes {first}-{last}/{len(BODY)}"


def test_head_range(s3, obj):
    b, k = obj
    out = s3.head_object(Bucket=b, Key=k, Range="bytes=0-4")
    assert status_of(out) == 206
    assert out["ContentLength"] == 5
    assert out["ContentRange"] == "bytes 0-4/12"


def test_unsatisfiable_range(s3, obj):
    b, k = obj
    with raises_s3("InvalidRange", 416) as info:
        s3.get_object(Bucket=b, Key=k, Range="bytes=12-20")
    assert info.value.response["Error"]["ActualObjectSize"] == "12"
    assert info.value.response["ResponseMetadata"]["HTTPHeaders"]["content-range"] == "bytes */12"


def test_unparseable_range_is_ignored(s3, obj):
    b, k = obj
    out = s3.get_object(Bucket=b, Key=k, Range="bytes=abc")
    assert status_of(out) == 200
    assert out["Body"].read() == BODY


# -- conditional reads ---------------------------------------------------------------------
def test_if_match_and_if_none_match(s3, obj):
    b, k = obj
    etag = md5_etag(BODY)
    assert s3.get_object(Bucket=b, Key=k, IfMatch=etag)["Body"].read() == BODY
    with raises_s3("PreconditionFailed", 412) as info:
        s3.get_object(Bucket=b, Key=k, IfMatch='"0000"')
    assert info.value.response["Error"]["Condition"] == "If-Match"
    with raises_s3("412", 412):
        s3.head_object(Bucket=b, Key=k, IfMatch='"0000"')
    with raises_s3("304", 304) as info:
        s3.get_object(Bucket=b, Key=k, IfNoneMatch=etag)
    assert info.value.response["ResponseMetadata"]["HTTPHeaders"]["etag"] == etag
    with raises_s3("304", 304):
        s3.head_object(Bucket=b, Key=k, IfNoneMatch=etag)
    assert status_of(s3.get_object(Bucket=b, Key=k, IfNoneMatch='"0000"')) == 200
    assert status_of(s3.get_object(Bucket=b, Key=k, IfMatch="*")) == 200


def test_if_modified_and_unmodified_since(s3, obj):
    b, k = obj
    modified = s3.head_object(Bucket=b, Key=k)["LastModified"]
    earlier = modified - dt.timedelta(days=1)
    assert status_of(s3.get_object(Bucket=b, Key=k, IfModifiedSince=earlier)) == 200
    with raises_s3("304", 304):
        s3.get_object(Bucket=b, Key=k, IfModifiedSince=modified)
    with raises_s3("304", 304):
        s3.head_object(Bucket=b, Key=k, IfModifiedSince=modified)
    assert status_of(s3.get_object(Bucket=b, Key=k, IfUnmodifiedSince=modified)) == 200
    with raises_s3("PreconditionFailed", 412):
        s3.get_object(Bucket=b, Key=k, IfUnmodifiedSince=earlier)
    with raises_s3("412", 412):
        s3.head_object(Bucket=b, Key=k, IfUnmodifiedSince=earlier)


def test_condition_precedence(s3, obj):
    b, k = obj
    etag = md5_etag(BODY)
    modified = s3.head_object(Bucket=b, Key=k)["LastModified"]
    earlier = modified - dt.timedelta(days=1)
    # If-Match true wins over a false If-Unmodified-Since.
    out = s3.get_object(Bucket=b, Key=k, IfMatch=etag, IfUnmodifiedSince=earlier)
    assert status_of(out) == 200
    # If-None-Match false (etag differs) wins over a true If-Modified-Since (not modified).
    out = s3.get_object(Bucket=b, Key=k, IfNoneMatch='"other"', IfModifiedSince=modified)
    assert status_of(out) == 200
    # A failed If-Match is 412 even when If-None-Match would be 304.
    with raises_s3("PreconditionFailed", 412):
        s3.get_object(Bucket=b, Key=k, IfMatch='"other"', IfNoneMatch=etag)


# -- conditional writes ----------------------------------------------------------------------
def test_put_if_none_match_star(s3, bucket):
    s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    with raises_s3("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"


def test_put_if_match(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch=etag)
    with raises_s3("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="k", Body=b"v3", IfMatch=etag)
    with raises_s3("NoSuchKey", 404):
        s3.put_object(Bucket=bucket, Key="missing", Body=b"v", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v2"


# -- copy --------------------------------------------------------------------------------------
def test_copy_keeps_metadata_by_default(s3, bucket):
    s3.put_object(
        Bucket=bucket, Key="src", Body=BODY, ContentType="text/plain", Metadata={"m": "1"}
    )
    out = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert out["CopyObjectResult"]["ETag"] == md5_etag(BODY)
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == BODY
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"m": "1"}


def test_copy_with_replace_directive(s3, bucket):
    s3.put_object(
        Bucket=bucket, Key="src", Body=BODY, ContentType="text/plain", Metadata={"m": "1"}
    )
    s3.copy_object(
        Bucket=bucket,
        Key="dst",
        CopySource=f"{bucket}/src",
        MetadataDirective="REPLACE",
        ContentType="application/json",
        Metadata={"n": "2"},
    )
    got = s3.head_object(Bucket=bucket, Key="dst")
    assert got["ContentType"] == "application/json"
    assert got["Metadata"] == {"n": "2"}


def test_copy_onto_itself(s3, obj):
    b, k = obj
    with raises_s3("InvalidRequest", 400):
        s3.copy_object(Bucket=b, Key=k, CopySource={"Bucket": b, "Key": k})
    s3.copy_object(
        Bucket=b,
        Key=k,
        CopySource={"Bucket": b, "Key": k},
        MetadataDirective="REPLACE",
        Metadata={"touched": "yes"},
    )
    got = s3.get_object(Bucket=b, Key=k)
    assert got["Metadata"] == {"touched": "yes"}
    assert got["Body"].read() == BODY


def test_copy_across_buckets_and_odd_keys(s3, bucket, unique_name):
    other = unique_name("dst")
    s3.create_bucket(Bucket=other)
    key = "dir/with space+plus%percent/ü.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=BODY)
    s3.copy_object(Bucket=other, Key=key, CopySource={"Bucket": bucket, "Key": key})
    assert s3.get_object(Bucket=other, Key=key)["Body"].read() == BODY


def test_copy_errors(s3, bucket, unique_name):
    with raises_s3("NoSuchKey", 404):
        s3.copy_object(Bucket=bucket, Key="d", CopySource={"Bucket": bucket, "Key": "missing"})
    with raises_s3("NoSuchBucket", 404):
        s3.copy_object(
            Bucket=bucket, Key="d", CopySource={"Bucket": unique_name("nob"), "Key": "k"}
        )
    s3.put_object(Bucket=bucket, Key="src", Body=BODY)
    with raises_s3("PreconditionFailed", 412):
        s3.copy_object(
            Bucket=bucket, Key="d", CopySource=f"{bucket}/src", CopySourceIfMatch='"nope"'
        )
    s3.copy_object(
        Bucket=bucket, Key="d", CopySource=f"{bucket}/src", CopySourceIfMatch=md5_etag(BODY)
    )


def test_copy_tags_follow_tagging_directive(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(Bucket=bucket, Key="same", CopySource=f"{bucket}/src")
    assert s3.get_object_tagging(Bucket=bucket, Key="same")["TagSet"] == [
        {"Key": "a", "Value": "1"}
    ]
    s3.copy_object(
        Bucket=bucket,
        Key="new",
        CopySource=f"{bucket}/src",
        TaggingDirective="REPLACE",
        Tagging="b=2",
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="new")["TagSet"] == [{"Key": "b", "Value": "2"}]


# -- checksums ---------------------------------------------------------------------------------
def test_sha256_checksum(s3, bucket):
    expected = b64(hashlib.sha256(BODY).digest())
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, ChecksumAlgorithm="SHA256")
    assert put["ChecksumSHA256"] == expected
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["ChecksumSHA256"] == expected
    assert got["Body"].read() == BODY
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == expected
    assert "ChecksumSHA256" not in s3.head_object(Bucket=bucket, Key="k")


def test_crc32_checksum(s3, bucket):
    expected = b64(zlib.crc32(BODY).to_bytes(4, "big"))
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, ChecksumAlgorithm="CRC32")
    assert put["ChecksumCRC32"] == expected
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["ChecksumCRC32"] == expected
    attrs = s3.get_object_attributes(
        Bucket=bucket, Key="k", ObjectAttributes=["Checksum", "ETag", "ObjectSize"]
    )
    assert attrs["Checksum"]["ChecksumCRC32"] == expected
    assert attrs["ObjectSize"] == len(BODY)
    assert attrs["ETag"] == md5_etag(BODY).strip('"')


def test_wrong_checksum_is_rejected(s3, bucket):
    wrong = b64(hashlib.sha256(b"other").digest())
    with raises_s3("BadDigest", 400):
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, ChecksumSHA256=wrong)
    with raises_s3("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="k")


# -- tagging ---------------------------------------------------------------------------------
def test_object_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="team=data&env=dev%20box")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
    assert sorted(tags, key=lambda t: t["Key"]) == [
        {"Key": "env", "Value": "dev box"},
        {"Key": "team", "Value": "data"},
    ]
    s3.put_object_tagging(
        Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "only", "Value": "one"}]}
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [
        {"Key": "only", "Value": "one"}
    ]
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 1
    assert status_of(s3.delete_object_tagging(Bucket=bucket, Key="k")) == 204
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="k")
    with raises_s3("NoSuchKey", 404):
        s3.get_object_tagging(Bucket=bucket, Key="missing")


def test_object_tagging_limits(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    with raises_s3("BadRequest", 400):
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": too_many})
    with raises_s3("InvalidTag", 400):
        s3.put_object(Bucket=bucket, Key="k2", Body=b"x", Tagging="a=1&a=2")


# -- batch delete --------------------------------------------------------------------------
def test_delete_objects(s3, bucket):
    for k in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    out = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "ghost"}]}
    )
    assert sorted(d["Key"] for d in out["Deleted"]) == ["a", "b", "ghost"]
    assert "Errors" not in out
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["c"]


def test_delete_objects_quiet(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}], "Quiet": True})
    assert "Deleted" not in out
    assert "Errors" not in out
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_delete_objects_in_versioned_bucket(s3, versioned_bucket):
    b = versioned_bucket
    v1 = s3.put_object(Bucket=b, Key="a", Body=b"1")["VersionId"]
    s3.put_object(Bucket=b, Key="b", Body=b"1")
    out = s3.delete_objects(
        Bucket=b, Delete={"Objects": [{"Key": "a", "VersionId": v1}, {"Key": "b"}]}
    )
    by_key = {d["Key"]: d for d in out["Deleted"]}
    assert by_key["a"]["VersionId"] == v1
    assert "DeleteMarker" not in by_key["a"]
    assert by_key["b"]["DeleteMarker"] is True
    marker = by_key["b"]["DeleteMarkerVersionId"]
    versions = s3.list_object_versions(Bucket=b)
    assert [v["Key"] for v in versions.get("Versions", [])] == ["b"]
    assert [(m["Key"], m["VersionId"]) for m in versions["DeleteMarkers"]] == [("b", marker)]
    out = s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "b", "VersionId": marker}]})
    assert out["Deleted"][0]["DeleteMarker"] is True
    assert out["Deleted"][0]["DeleteMarkerVersionId"] == marker
    assert s3.get_object(Bucket=b, Key="b")["Body"].read() == b"1"


def test_delete_objects_bad_version_id(s3, bucket):
    out = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a", "VersionId": "not-a-version"}]}
    )
    assert out["Errors"][0]["Code"] == "NoSuchVersion"
    assert out["Errors"][0]["Key"] == "a"


# -- odd keys ----------------------------------------------------------------------------------
ODD_KEYS = [
    "with space.txt",
    "unicodé/ключ/鍵.txt",
    "plus+sign",
    "percent%20literal",
    "100%",
    "double//slash",
    "/leading-slash",
    "question?mark",
    "hash#tag",
    "tilde~and=equals&amp",
    "dot/./segment",
    "trailing/",
]


@pytest.mark.parametrize("key", ODD_KEYS)
def test_odd_keys_round_trip(s3, bucket, key):
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(key.encode())
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]
    s3.delete_object(Bucket=bucket, Key=key)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_odd_keys_in_batch_delete(s3, bucket):
    for key in ODD_KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in ODD_KEYS]})
    assert sorted(d["Key"] for d in out["Deleted"]) == sorted(ODD_KEYS)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


# -- presigned URLs --------------------------------------------------------------------------
@pytest.fixture(params=["sigv2", "s3v4"])
def presigner(request, s3, client_factory):
    if request.param == "sigv2":
        return s3
    return client_factory("s3", signature_version="s3v4")


def test_presigned_get_and_put(presigner, s3, bucket):
    key = "pre signed/ü+x.txt"
    put_url = presigner.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=3600
    )
    r = requests.put(put_url, data=b"via url")
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == md5_etag(b"via url")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"via url"
    get_url = presigner.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=3600
    )
    with urllib.request.urlopen(get_url) as resp:
        assert resp.status == 200
        assert resp.read() == b"via url"


def test_presigned_get_with_response_override(presigner, bucket, s3):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = presigner.generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": "k", "ResponseContentType": "text/csv"},
    )
    r = requests.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/csv"


def test_presigned_url_with_tampered_signature(presigner, bucket, s3):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    r = requests.get(url.replace(f"/{bucket}/k", f"/{bucket}/other"))
    assert r.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in r.text


def test_expired_presigned_url(presigner, bucket, s3, strato):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    # URLs are signed with this machine's clock; the server's may already be ahead of it.
    ahead = strato.advance_clock(0) - time.time()
    lifetime = math.ceil(ahead) + 10
    url = presigner.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=lifetime
    )
    assert requests.get(url).status_code == 200
    # Just past the expiry: the server clock moves for the whole session, so move it little.
    strato.advance_clock(15)
    r = requests.get(url)
    assert r.status_code == 403
    assert "<Code>AccessDenied</Code>" in r.text


# -- virtual-hosted addressing ---------------------------------------------------------------
def _virtual_host_request(endpoint: str, method: str, bucket: str, key: str, body: bytes = b""):
    port = urlsplit(endpoint).port
    host = f"{bucket}.s3.localhost:{port}"
    req = AWSRequest(method=method, url=f"http://{host}/{key}", data=body)
    req.headers["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(req)
    headers = dict(req.headers.items())
    headers["Host"] = host
    return requests.request(method, f"{endpoint}/{key}", headers=headers, data=body)


def test_virtual_hosted_style_requests(s3, bucket, endpoint):
    r = _virtual_host_request(endpoint, "PUT", bucket, "vh/key.txt", b"virtual")
    assert r.status_code == 200, r.text
    assert s3.get_object(Bucket=bucket, Key="vh/key.txt")["Body"].read() == b"virtual"
    r = _virtual_host_request(endpoint, "GET", bucket, "vh/key.txt")
    assert r.status_code == 200, r.text
    assert r.content == b"virtual"
    r = _virtual_host_request(endpoint, "GET", bucket, "")
    assert r.status_code == 200, r.text
    assert "<Key>vh/key.txt</Key>" in r.text
    r = _virtual_host_request(endpoint, "GET", bucket, "missing")
    assert r.status_code == 404
    assert "<Code>NoSuchKey</Code>" in r.text


def test_unsigned_request_is_denied(endpoint, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{endpoint}/{bucket}/k")
    assert info.value.code == 403
    assert b"<Code>AccessDenied</Code>" in info.value.read()
