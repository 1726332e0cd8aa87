"""The AWS CLI against Strato's S3: high-level `aws s3` commands and `aws s3api`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import urllib.request
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")

MiB = 1 << 20


@pytest.fixture(scope="module")
def cli_bucket(aws, client_factory):
    """One bucket made by `aws s3 mb`, shared by the module; each test works under its own prefix."""
    name = "cli-" + uuid.uuid4().hex[:12]
    out = aws("s3", "mb", f"s3://{name}").stdout
    assert f"make_bucket: {name}" in out
    client_factory("s3").put_bucket_versioning(
        Bucket=name, VersioningConfiguration={"Status": "Enabled"}
    )
    return name


def md5(path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_mb_ls_and_rb(aws, s3, unique_name):
    name = unique_name("cli")
    aws("s3", "mb", f"s3://{name}")
    s3.head_bucket(Bucket=name)
    assert name in aws("s3", "ls").stdout.split()
    aws("s3", "rb", f"s3://{name}")
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_cp_up_and_down_including_multipart(aws, s3, cli_bucket, tmp_path):
    small = tmp_path / "small.txt"
    small.write_text("hello from the cli\n")
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(9 * MiB + 11))  # over the CLI's 8 MiB threshold: multipart
    aws("s3", "cp", str(small), f"s3://{cli_bucket}/cp/docs/small.txt")
    aws("s3", "cp", str(big), f"s3://{cli_bucket}/cp/big.bin")
    head = s3.head_object(Bucket=cli_bucket, Key="cp/big.bin")
    assert head["ContentLength"] == big.stat().st_size
    assert head["ETag"].endswith('-2"')
    small_head = s3.head_object(Bucket=cli_bucket, Key="cp/docs/small.txt")
    assert small_head["ContentType"] == "text/plain"
    listing = aws("s3", "ls", f"s3://{cli_bucket}/cp/").stdout
    assert "PRE docs/" in listing
    assert f"{big.stat().st_size} big.bin" in listing
    down = tmp_path / "down" / "big.bin"
    aws("s3", "cp", f"s3://{cli_bucket}/cp/big.bin", str(down))
    assert md5(down) == md5(big)


def test_sync_both_ways_and_recursive_rm(aws, s3, cli_bucket, tmp_path):
    src = tmp_path / "src"
    files = {"a.txt": b"a", "nested/b.txt": b"bb", "nested/deeper/c with space.txt": b"ccc"}
    for rel, body in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(body)
        # Files older than their upload, as usual: S3 dates have whole seconds, so a file
        # written in the same second as its upload would look newer than the object.
        past = time.time() - 3600
        os.utime(src / rel, (past, past))
    first = aws("s3", "sync", str(src), f"s3://{cli_bucket}/sync/site").stdout
    assert first.count("upload:") == 3
    listed = s3.list_objects_v2(Bucket=cli_bucket, Prefix="sync/")["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted(f"sync/site/{k}" for k in files)
    assert aws("s3", "sync", str(src), f"s3://{cli_bucket}/sync/site").stdout.strip() == ""
    (src / "a.txt").write_bytes(b"changed!")
    again = aws("s3", "sync", str(src), f"s3://{cli_bucket}/sync/site").stdout
    assert again.count("upload:") == 1 and "a.txt" in again
    dst = tmp_path / "dst"
    aws("s3", "sync", f"s3://{cli_bucket}/sync/site", str(dst))
    for rel, body in {**files, "a.txt": b"changed!"}.items():
        assert (dst / rel).read_bytes() == body
    removed = aws("s3", "rm", "--recursive", f"s3://{cli_bucket}/sync/site/nested").stdout
    assert removed.count("delete:") == 2
    left = [o["Key"] for o in s3.list_objects_v2(Bucket=cli_bucket, Prefix="sync/")["Contents"]]
    assert left == ["sync/site/a.txt"]


def test_s3api_put_get_and_versions(aws, s3, cli_bucket, tmp_path):
    body = tmp_path / "body.json"
    body.write_text('{"v": 1}')
    put = json.loads(
        aws(
            "s3api",
            "put-object",
            "--bucket",
            cli_bucket,
            "--key",
            "api/doc.json",
            "--body",
            str(body),
            "--content-type",
            "application/json",
            "--metadata",
            "owner=cli",
        ).stdout
    )
    assert put["ETag"] == '"' + md5(body) + '"'
    first_version = put["VersionId"]
    body.write_text('{"v": 2}')
    aws("s3api", "put-object", "--bucket", cli_bucket, "--key", "api/doc.json", "--body", str(body))
    out_file = tmp_path / "out.json"
    got = json.loads(
        aws(
            "s3api",
            "get-object",
            "--bucket",
            cli_bucket,
            "--key",
            "api/doc.json",
            "--version-id",
            first_version,
            str(out_file),
        ).stdout
    )
    assert out_file.read_text() == '{"v": 1}'
    assert got["ContentType"] == "application/json"
    assert got["Metadata"] == {"owner": "cli"}
    assert got["VersionId"] == first_version
    versions = json.loads(
        aws("s3api", "list-object-versions", "--bucket", cli_bucket, "--prefix", "api/").stdout
    )
    listed = [(v["Key"], v["IsLatest"]) for v in versions["Versions"]]
    assert listed == [("api/doc.json", True), ("api/doc.json", False)]
    assert versions["Versions"][1]["VersionId"] == first_version
    missing = aws(
        "s3api", "get-object", "--bucket", cli_bucket, "--key", "nope", str(out_file), check=False
    )
    assert missing.returncode != 0
    assert "NoSuchKey" in missing.stderr


def test_presign(aws, s3, cli_bucket):
    s3.put_object(Bucket=cli_bucket, Key="shared/file.txt", Body=b"presigned by the cli")
    url = aws("s3", "presign", f"s3://{cli_bucket}/shared/file.txt", "--expires-in", "3600").stdout
    with urllib.request.urlopen(url.strip()) as resp:
        assert resp.read() == b"presigned by the cli"
