"""Buckets belong to accounts: other accounts and anonymous callers get in only through a bucket policy."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

OTHER_KEY, OTHER_SECRET, OTHER_ACCOUNT = "AKIAOTHERACCOUNT0003", "other-secret", "333333333333"


@pytest.fixture(scope="module")
def other(strato, client_factory):
    strato.add_account(OTHER_KEY, OTHER_SECRET, OTHER_ACCOUNT)
    return client_factory("s3", key=OTHER_KEY, secret=OTHER_SECRET)


def code(call) -> str:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"]


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_other_account_is_denied_without_a_policy(s3, other, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"mine")
    assert code(lambda: other.get_object(Bucket=bucket, Key="k")) == "AccessDenied"
    assert code(lambda: other.list_objects_v2(Bucket=bucket)) == "AccessDenied"
    assert code(lambda: other.put_object(Bucket=bucket, Key="k", Body=b"theirs")) == "AccessDenied"
    assert code(lambda: other.delete_bucket(Bucket=bucket)) == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"mine"


def test_bucket_policy_grants_another_account_what_it_names(s3, other, bucket):
    s3.put_object(Bucket=bucket, Key="shared/a", Body=b"a")
    s3.put_object(Bucket=bucket, Key="private/b", Body=b"b")
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                "Action": ["s3:GetObject"],
                "Resource": f"arn:aws:s3:::{bucket}/shared/*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": OTHER_ACCOUNT},
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": "shared/*"}},
            },
        ),
    )
    assert other.get_object(Bucket=bucket, Key="shared/a")["Body"].read() == b"a"
    assert code(lambda: other.get_object(Bucket=bucket, Key="private/b")) == "AccessDenied"
    assert (
        code(lambda: other.put_object(Bucket=bucket, Key="shared/c", Body=b"c")) == "AccessDenied"
    )
    assert [
        o["Key"] for o in other.list_objects_v2(Bucket=bucket, Prefix="shared/")["Contents"]
    ] == ["shared/a"]
    assert code(lambda: other.list_objects_v2(Bucket=bucket, Prefix="private/")) == "AccessDenied"
    # Copying needs read access to the source as well as write access to the target.
    theirs = f"{bucket}-x"
    other.create_bucket(Bucket=theirs)
    other.copy_object(Bucket=theirs, Key="copy", CopySource=f"{bucket}/shared/a")
    assert (
        code(
            lambda: other.copy_object(Bucket=theirs, Key="copy2", CopySource=f"{bucket}/private/b")
        )
        == "AccessDenied"
    )


def test_explicit_deny_binds_the_owner_but_not_for_the_policy_itself(s3, bucket):
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/locked/*",
            }
        ),
    )
    assert code(lambda: s3.put_object(Bucket=bucket, Key="locked/x", Body=b"x")) == "AccessDenied"
    s3.put_object(Bucket=bucket, Key="open/x", Body=b"x")
    s3.delete_bucket_policy(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="locked/x", Body=b"x")


def test_anonymous_reads_need_a_public_policy(s3, endpoint, bucket):
    s3.put_object(
        Bucket=bucket, Key="site/index.html", Body=b"<h1>hi</h1>", ContentType="text/html"
    )
    url = f"{endpoint}/{bucket}/site/index.html"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url)
    assert e.value.code == 403
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/site/*",
            }
        ),
    )
    with urllib.request.urlopen(url) as r:
        assert r.read() == b"<h1>hi</h1>"
        assert r.headers["Content-Type"] == "text/html"
    put = urllib.request.Request(url, data=b"defaced", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(put)
    assert e.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{endpoint}/")
    assert e.value.code == 403
