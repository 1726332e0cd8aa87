"""Multipart uploads: parts, completion rules, listings, copies and boto3's transfer manager."""

from __future__ import annotations

import base64
import hashlib
import os
from urllib.parse import unquote

import pytest
from boto3.s3.transfer import TransferConfig

from s3_helpers import raises_s3, status_of

MiB = 1 << 20
PART = 5 * MiB


@pytest.fixture(scope="module")
def data() -> bytes:
    return os.urandom(PART + MiB + 123)


def multipart_etag(*parts: bytes) -> str:
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


def upload(s3, bucket: str, key: str, parts: list[bytes], **create) -> tuple[str, list[dict]]:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for n, body in enumerate(parts, start=1):
        out = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=body)
        assert out["ETag"] == '"' + hashlib.md5(body).hexdigest() + '"'
        done.append({"PartNumber": n, "ETag": out["ETag"]})
    return upload_id, done


def test_multipart_upload_round_trip(s3, bucket, data):
    parts = [data[:PART], data[PART:]]
    upload_id, done = upload(
        s3, bucket, "mp", parts, ContentType="text/plain", Metadata={"origin": "test"}
    )
    out = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    assert out["ETag"] == multipart_etag(*parts)
    assert out["Key"] == "mp"
    assert out["Bucket"] == bucket
    got = s3.get_object(Bucket=bucket, Key="mp")
    assert got["ETag"] == multipart_etag(*parts)
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"origin": "test"}
    assert got["ContentLength"] == len(data)
    assert hashlib.md5(got["Body"].read()).digest() == hashlib.md5(data).digest()
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert listed["ETag"] == multipart_etag(*parts)
    assert listed["Size"] == len(data)
    with raises_s3("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload_id)


def test_get_and_head_by_part_number(s3, bucket, data):
    parts = [data[:PART], data[PART:]]
    upload_id, done = upload(s3, bucket, "mp", parts)
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    head = s3.head_object(Bucket=bucket, Key="mp", PartNumber=1)
    assert status_of(head) == 206
    assert head["PartsCount"] == 2
    assert head["ContentLength"] == PART
    assert head["ContentRange"] == f"bytes 0-{PART - 1}/{len(data)}"
    second = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert second["PartsCount"] == 2
    assert second["ContentRange"] == f"bytes {PART}-{len(data) - 1}/{len(data)}"
    assert second["Body"].read() == parts[1]
    with raises_s3("InvalidPartNumber", 416):
        s3.get_object(Bucket=bucket, Key="mp", PartNumber=3)
    with raises_s3("InvalidRequest", 400):
        s3.get_object(Bucket=bucket, Key="mp", PartNumber=1, Range="bytes=0-1")
    assert "PartsCount" not in s3.head_object(Bucket=bucket, Key="mp")


def test_part_number_on_a_plain_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain", Body=b"abc")
    out = s3.get_object(Bucket=bucket, Key="plain", PartNumber=1)
    assert out["Body"].read() == b"abc"
    assert out["ContentLength"] == 3
    with raises_s3("InvalidPartNumber", 416):
        s3.get_object(Bucket=bucket, Key="plain", PartNumber=2)


def test_single_small_part_is_allowed(s3, bucket):
    key = "dir/one part+.txt"
    upload_id, done = upload(s3, bucket, key, [b"tiny"])
    out = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    assert out["ETag"] == multipart_etag(b"tiny")
    assert " " not in out["Location"]
    assert unquote(out["Location"]).endswith(f"/{bucket}/{key}")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"tiny"


def test_parts_below_5_mib_except_last_are_too_small(s3, bucket):
    upload_id, done = upload(s3, bucket, "small", [b"a" * 1024, b"b" * 1024])
    with raises_s3("EntityTooSmall", 400):
        s3.complete_multipart_upload(
            Bucket=bucket, Key="small", UploadId=upload_id, MultipartUpload={"Parts": done}
        )
    with raises_s3("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="small")
    # The upload survives a failed completion.
    assert len(s3.list_parts(Bucket=bucket, Key="small", UploadId=upload_id)["Parts"]) == 2


def test_complete_with_a_subset_of_parts(s3, bucket, data):
    parts = [data[:PART], b"skipped", b"last"]
    upload_id, done = upload(s3, bucket, "subset", parts)
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="subset",
        UploadId=upload_id,
        MultipartUpload={"Parts": [done[0], done[2]]},
    )
    got = s3.get_object(Bucket=bucket, Key="subset")
    assert got["ETag"] == multipart_etag(parts[0], parts[2])
    assert got["Body"].read() == parts[0] + b"last"


def test_wrong_etag_or_missing_part_is_invalid_part(s3, bucket):
    upload_id, done = upload(s3, bucket, "k", [b"only"])
    with raises_s3("InvalidPart", 400):
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"' + "0" * 32 + '"'}]},
        )
    with raises_s3("InvalidPart", 400):
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": done[0]["ETag"]}]},
        )
    s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": done}
    )


def test_parts_out_of_order(s3, bucket, data):
    upload_id, done = upload(s3, bucket, "k", [data[:PART], data[PART:]])
    with raises_s3("InvalidPartOrder", 400):
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": [done[1], done[0]]},
        )


def test_reuploading_a_part_replaces_it(s3, bucket):
    upload_id, _ = upload(s3, bucket, "k", [b"first"])
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"second")[
        "ETag"
    ]
    parts = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts] == [(1, etag, 6)]
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second"


def test_abort(s3, bucket):
    upload_id, done = upload(s3, bucket, "k", [b"x"])
    assert status_of(s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)) == 204
    with raises_s3("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    with raises_s3("NoSuchUpload", 404):
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=2, Body=b"y")
    with raises_s3("NoSuchUpload", 404):
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": done}
        )
    with raises_s3("NoSuchUpload", 404):
        s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    with raises_s3("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="k")


def test_unknown_upload_id(s3, bucket):
    with raises_s3("NoSuchUpload", 404):
        s3.upload_part(Bucket=bucket, Key="k", UploadId="nope", PartNumber=1, Body=b"x")


def test_part_number_out_of_range(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    with raises_s3("InvalidArgument", 400):
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=10001, Body=b"x")


def test_list_parts_pagination(s3, bucket):
    bodies = [f"part-{n}".encode() * n for n in range(1, 6)]
    upload_id, done = upload(s3, bucket, "k", bodies)
    first = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in first["Parts"]] == [1, 2]
    assert first["IsTruncated"] is True
    assert first["NextPartNumberMarker"] == 2
    assert first["MaxParts"] == 2
    assert first["Parts"][1]["Size"] == len(bodies[1])
    assert first["Parts"][1]["ETag"] == done[1]["ETag"]
    assert first["Initiator"]["ID"] and first["Owner"]["ID"]
    rest = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, PartNumberMarker=2)
    assert [p["PartNumber"] for p in rest["Parts"]] == [3, 4, 5]
    assert rest["IsTruncated"] is False
    assert rest["PartNumberMarker"] == 2
    paginator = s3.get_paginator("list_parts")
    pages = list(
        paginator.paginate(
            Bucket=bucket, Key="k", UploadId=upload_id, PaginationConfig={"PageSize": 2}
        )
    )
    assert [[p["PartNumber"] for p in page["Parts"]] for page in pages] == [[1, 2], [3, 4], [5]]


def test_list_multipart_uploads(s3, bucket):
    ids = {}
    for key in ("a/one", "a/two", "b/three"):
        ids[key] = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    second = s3.create_multipart_upload(Bucket=bucket, Key="a/one")["UploadId"]
    out = s3.list_multipart_uploads(Bucket=bucket)
    listed = [(u["Key"], u["UploadId"]) for u in out["Uploads"]]
    assert sorted(listed) == sorted([*ids.items(), ("a/one", second)])
    assert [k for k, _ in listed] == sorted(k for k, _ in listed)
    assert out["IsTruncated"] is False
    assert out["Uploads"][0]["Initiated"].tzinfo is not None
    prefixed = s3.list_multipart_uploads(Bucket=bucket, Prefix="b/")
    assert [u["Key"] for u in prefixed["Uploads"]] == ["b/three"]
    grouped = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/", "b/"]
    assert "Uploads" not in grouped
    page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert page["IsTruncated"] is True
    assert len(page["Uploads"]) == 2
    rest = s3.list_multipart_uploads(
        Bucket=bucket, KeyMarker=page["NextKeyMarker"], UploadIdMarker=page["NextUploadIdMarker"]
    )
    assert [(u["Key"], u["UploadId"]) for u in page["Uploads"] + rest["Uploads"]] == listed
    s3.abort_multipart_upload(Bucket=bucket, Key="b/three", UploadId=ids["b/three"])
    remaining = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert "b/three" not in [u["Key"] for u in remaining]


def test_upload_part_copy_with_ranges(s3, bucket, data):
    s3.put_object(Bucket=bucket, Key="source", Body=data)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="copy")["UploadId"]
    spans = [(0, PART - 1), (PART, len(data) - 1)]
    parts = []
    for n, (first, last) in enumerate(spans, start=1):
        out = s3.upload_part_copy(
            Bucket=bucket,
            Key="copy",
            UploadId=upload_id,
            PartNumber=n,
            CopySource={"Bucket": bucket, "Key": "source"},
            CopySourceRange=f"bytes={first}-{last}",
        )
        etag = out["CopyPartResult"]["ETag"]
        assert etag == '"' + hashlib.md5(data[first : last + 1]).hexdigest() + '"'
        parts.append({"PartNumber": n, "ETag": etag})
    s3.complete_multipart_upload(
        Bucket=bucket, Key="copy", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    got = s3.get_object(Bucket=bucket, Key="copy")
    assert got["ETag"] == multipart_etag(data[:PART], data[PART:])
    assert hashlib.md5(got["Body"].read()).digest() == hashlib.md5(data).digest()


def test_upload_part_copy_errors(s3, bucket):
    s3.put_object(Bucket=bucket, Key="source", Body=b"0123456789")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="copy")["UploadId"]

    def copy_range(header: str):
        return s3.upload_part_copy(
            Bucket=bucket,
            Key="copy",
            UploadId=upload_id,
            PartNumber=1,
            CopySource=f"{bucket}/source",
            CopySourceRange=header,
        )

    with raises_s3("InvalidArgument", 400):
        copy_range("bytes=5-20")  # ends past the object
    with raises_s3("InvalidRequest", 400):
        copy_range("bytes=10-12")  # starts past the object
    with raises_s3("InvalidArgument", 400):
        copy_range("bytes=5-")  # only first-last is accepted
    with raises_s3("InvalidArgument", 400):
        copy_range("bytes=6-5")
    assert copy_range("bytes=2-4")["CopyPartResult"]["ETag"] == (
        '"' + hashlib.md5(b"234").hexdigest() + '"'
    )
    with raises_s3("NoSuchKey", 404):
        s3.upload_part_copy(
            Bucket=bucket,
            Key="copy",
            UploadId=upload_id,
            PartNumber=1,
            CopySource=f"{bucket}/missing",
        )
    out = s3.upload_part_copy(
        Bucket=bucket, Key="copy", UploadId=upload_id, PartNumber=1, CopySource=f"{bucket}/source"
    )
    assert out["CopyPartResult"]["ETag"] == '"' + hashlib.md5(b"0123456789").hexdigest() + '"'


def test_multipart_with_sha256_checksums(s3, bucket, data):
    parts = [data[:PART], data[PART:]]
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="sum", ChecksumAlgorithm="SHA256")[
        "UploadId"
    ]
    done = []
    for n, body in enumerate(parts, start=1):
        out = s3.upload_part(
            Bucket=bucket,
            Key="sum",
            UploadId=upload_id,
            PartNumber=n,
            Body=body,
            ChecksumAlgorithm="SHA256",
        )
        assert out["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(body).digest()).decode()
        done.append({"PartNumber": n, "ETag": out["ETag"], "ChecksumSHA256": out["ChecksumSHA256"]})
    out = s3.complete_multipart_upload(
        Bucket=bucket, Key="sum", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    composite = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()
    expected = base64.b64encode(composite).decode() + "-2"
    assert out["ChecksumSHA256"] == expected
    head = s3.head_object(Bucket=bucket, Key="sum", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == expected


def test_complete_in_versioned_bucket_returns_version(s3, versioned_bucket):
    b = versioned_bucket
    upload_id, done = upload(s3, b, "k", [b"v"])
    out = s3.complete_multipart_upload(
        Bucket=b, Key="k", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    assert out["VersionId"] not in (None, "null")
    assert s3.head_object(Bucket=b, Key="k")["VersionId"] == out["VersionId"]


def test_complete_if_none_match(s3, bucket):
    s3.put_object(Bucket=bucket, Key="taken", Body=b"x")
    upload_id, done = upload(s3, bucket, "taken", [b"y"])
    with raises_s3("PreconditionFailed", 412):
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="taken",
            UploadId=upload_id,
            MultipartUpload={"Parts": done},
            IfNoneMatch="*",
        )
    assert s3.get_object(Bucket=bucket, Key="taken")["Body"].read() == b"x"


def test_transfer_manager_upload_and_download(s3, bucket, tmp_path):
    source = tmp_path / "big.bin"
    payload = os.urandom(12 * MiB + 7)
    source.write_bytes(payload)
    config = TransferConfig(
        multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4
    )
    s3.upload_file(str(source), bucket, "transfer/big.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="transfer/big.bin")
    assert head["ContentLength"] == len(payload)
    assert head["ETag"].endswith('-3"')
    chunks = [payload[i : i + 5 * MiB] for i in range(0, len(payload), 5 * MiB)]
    assert head["ETag"] == multipart_etag(*chunks)
    target = tmp_path / "back.bin"
    s3.download_file(bucket, "transfer/big.bin", str(target), Config=config)
    assert hashlib.md5(target.read_bytes()).digest() == hashlib.md5(payload).digest()
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
