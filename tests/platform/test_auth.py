"""Signatures and access keys: AWS's errors for bad ones, accounts that partition state."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
import uuid

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from strato_server import StratoProcess


def _s3(endpoint, key="test", secret="test", region="us-east-1"):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}),
    )


def _error(call) -> tuple[str, int]:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_wrong_secret_is_signature_does_not_match(endpoint):
    assert _error(lambda: _s3(endpoint, secret="nope").list_buckets()) == (
        "SignatureDoesNotMatch",
        403,
    )


def test_unknown_access_key_is_invalid_access_key_id(endpoint):
    assert _error(lambda: _s3(endpoint, key="AKIAUNKNOWN0000000000").list_buckets()) == (
        "InvalidAccessKeyId",
        403,
    )


def test_unsigned_request_is_denied(endpoint):
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(endpoint + "/")
    assert e.value.code == 403
    assert b"<Code>AccessDenied</Code>" in e.value.read()


def test_tampered_body_is_rejected(endpoint, s3, bucket):
    """A body that does not hash to the signed x-amz-content-sha256 never gets stored."""
    creds = Credentials("test", "test")
    url = f"{endpoint}/{bucket}/tampered"
    req = AWSRequest("PUT", url, data=b"original")
    req.headers["x-amz-content-sha256"] = hashlib.sha256(b"original").hexdigest()
    SigV4Auth(creds, "s3", "us-east-1").add_auth(req)
    prepared = req.prepare()
    http = urllib.request.Request(
        url, data=b"tampered", method="PUT", headers=dict(prepared.headers)
    )
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(http)
    assert e.value.code == 400
    assert b"XAmzContentSHA256Mismatch" in e.value.read()
    assert _error(lambda: s3.head_object(Bucket=bucket, Key="tampered"))[1] == 404


def _chunked_put(endpoint: str, bucket: str, key: str, chunks: list[bytes], tamper: bool = False):
    """A PUT in aws-chunked encoding with per-chunk signatures, signed the way AWS documents."""
    import hmac

    creds = Credentials("test", "test")
    url = f"{endpoint}/{bucket}/{key}"
    total = sum(len(c) for c in chunks)
    req = AWSRequest("PUT", url)
    req.headers["x-amz-content-sha256"] = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    req.headers["x-amz-decoded-content-length"] = str(total)
    req.headers["Content-Encoding"] = "aws-chunked"
    signer = SigV4Auth(creds, "s3", "us-east-1")
    signer.add_auth(req)
    amz_date = req.headers["X-Amz-Date"]
    seed = req.headers["Authorization"].rsplit("Signature=", 1)[1]
    scope = f"{amz_date[:8]}/us-east-1/s3/aws4_request"
    key_bytes = signer._sign(("AWS4" + "test").encode(), amz_date[:8])
    for part in ("us-east-1", "s3", "aws4_request"):
        key_bytes = signer._sign(key_bytes, part)
    body = b""
    previous = seed
    for chunk in [*chunks, b""]:
        string_to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256-PAYLOAD",
                amz_date,
                scope,
                previous,
                hashlib.sha256(b"").hexdigest(),
                hashlib.sha256(chunk).hexdigest(),
            ]
        )
        sig = hmac.new(key_bytes, string_to_sign.encode(), hashlib.sha256).hexdigest()
        data = chunk if not tamper or not chunk else chunk[:-1] + b"X"
        body += f"{len(chunk):x};chunk-signature={sig}\r\n".encode() + data + b"\r\n"
        previous = sig
    body += b"\r\n"
    headers = {k: v for k, v in req.prepare().headers.items() if k.lower() != "content-length"}
    return urllib.request.urlopen(
        urllib.request.Request(url, data=body, method="PUT", headers=headers)
    )


def test_aws_chunked_signed_upload_is_decoded(endpoint, s3, bucket):
    chunks = [os.urandom(64 * 1024), os.urandom(64 * 1024), b"tail"]
    with _chunked_put(endpoint, bucket, "chunked", chunks) as r:
        assert r.status == 200
    got = s3.get_object(Bucket=bucket, Key="chunked")
    assert got["Body"].read() == b"".join(chunks)
    assert got.get("ContentEncoding") is None  # aws-chunked is transport, not stored


def test_aws_chunked_with_a_bad_chunk_signature_is_refused(endpoint, s3, bucket):
    with pytest.raises(urllib.error.HTTPError) as e:
        _chunked_put(endpoint, bucket, "bad-chunk", [os.urandom(1000), b"x" * 10], tamper=True)
    assert e.value.code == 403
    assert b"SignatureDoesNotMatch" in e.value.read()
    assert _error(lambda: s3.head_object(Bucket=bucket, Key="bad-chunk"))[1] == 404


def test_accounts_add_partitions_buckets(strato, endpoint, s3):
    strato.add_account("AKIASECONDACCOUNT001", "second-secret", "111111111111")
    other = _s3(endpoint, key="AKIASECONDACCOUNT001", secret="second-secret")
    mine = f"acct-a-{uuid.uuid4().hex[:8]}"
    theirs = f"acct-b-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=mine)
    other.create_bucket(Bucket=theirs)
    assert theirs in {b["Name"] for b in other.list_buckets()["Buckets"]}
    assert mine not in {b["Name"] for b in other.list_buckets()["Buckets"]}
    assert theirs not in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    # Bucket names are global, as on AWS.
    assert _error(lambda: other.create_bucket(Bucket=mine)) == ("BucketAlreadyExists", 409)
    assert (
        _error(lambda: _s3(endpoint, key="AKIASECONDACCOUNT001", secret="bad").list_buckets())[0]
        == "SignatureDoesNotMatch"
    )


def test_accounts_add_rejects_a_bad_account_id(strato):
    r = strato.add_account("AKIABAD", "x", "12", check=False)
    assert r.returncode == 2
    assert "12 digits" in r.stderr


def test_config_file_accounts_and_verification_off(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "config.json").write_text(
        json.dumps(
            {
                "accounts": [
                    {
                        "access_key_id": "AKIACONFIGFILE000001",
                        "secret_access_key": "cfg",
                        "account_id": "222222222222",
                        "user_name": "ci",
                    }
                ]
            }
        )
    )
    server = StratoProcess(str(state)).start()
    try:
        _s3(server.endpoint, key="AKIACONFIGFILE000001", secret="cfg").create_bucket(
            Bucket="from-config"
        )
        assert (
            _error(
                lambda: _s3(server.endpoint, key="AKIACONFIGFILE000001", secret="x").list_buckets()
            )[0]
            == "SignatureDoesNotMatch"
        )
    finally:
        server.stop()
    relaxed = StratoProcess(
        str(tmp_path / "relaxed"), env={"STRATO_VERIFY_SIGNATURES": "0"}
    ).start()
    try:
        anyone = _s3(relaxed.endpoint, key="whatever", secret="anything")
        anyone.create_bucket(Bucket="open-bucket")
        assert "open-bucket" in {b["Name"] for b in _s3(relaxed.endpoint).list_buckets()["Buckets"]}
    finally:
        relaxed.stop()


def test_clock_advances_for_tests(strato):
    with urllib.request.urlopen(strato.endpoint + "/_strato/clock") as r:
        before = json.loads(r.read())["now"]
    after = strato.advance_clock(0.5)
    assert after >= before + 0.5
    bad = urllib.request.Request(
        strato.endpoint + "/_strato/clock", data=b'{"advance": -1}', method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(bad)
    assert e.value.code == 400
