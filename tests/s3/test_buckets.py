"""Buckets and their configurations, through boto3 against a real Strato server."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from resource_policies import s3_may

from s3_helpers import raises_s3, status_of


@pytest.fixture(scope="module")
def s3_eu(client_factory):
    return client_factory("s3", region="eu-west-1")


# -- create ------------------------------------------------------------------------------
def test_create_bucket_in_us_east_1_has_no_location_constraint(s3, unique_name):
    name = unique_name("c")
    out = s3.create_bucket(Bucket=name)
    assert out["Location"] == f"/{name}"
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    assert s3.head_bucket(Bucket=name)["BucketRegion"] == "us-east-1"


def test_create_bucket_with_location_constraint_in_another_region(s3, s3_eu, unique_name):
    name = unique_name("eu")
    s3_eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3_eu.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    head = s3_eu.head_bucket(Bucket=name)
    assert head["BucketRegion"] == "eu-west-1"
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"
    listed = {b["Name"]: b for b in s3.list_buckets()["Buckets"]}
    assert listed[name]["BucketRegion"] == "eu-west-1"


def test_create_bucket_with_mismatched_location_constraint(s3_eu, unique_name):
    with raises_s3("IllegalLocationConstraintException", 400):
        s3_eu.create_bucket(
            Bucket=unique_name("bad"),
            CreateBucketConfiguration={"LocationConstraint": "us-west-2"},
        )


def test_create_bucket_outside_us_east_1_needs_a_constraint(s3_eu, unique_name):
    with raises_s3("IllegalLocationConstraintException", 400):
        s3_eu.create_bucket(Bucket=unique_name("bad"))


def test_us_east_1_is_not_a_valid_location_constraint(s3, unique_name):
    with raises_s3("InvalidLocationConstraint", 400):
        s3.create_bucket(
            Bucket=unique_name("bad"),
            CreateBucketConfiguration={"LocationConstraint": "us-east-1"},
        )


def test_create_existing_bucket_outside_us_east_1(s3_eu, unique_name):
    name = unique_name("twice")
    config = {"LocationConstraint": "eu-west-1"}
    s3_eu.create_bucket(Bucket=name, CreateBucketConfiguration=config)
    with raises_s3("BucketAlreadyOwnedByYou", 409):
        s3_eu.create_bucket(Bucket=name, CreateBucketConfiguration=config)


def test_recreate_own_bucket_in_us_east_1_is_a_no_op(s3, bucket):
    # S3 documents this legacy behaviour: 200 OK in North Virginia, 409 elsewhere.
    s3.put_object(Bucket=bucket, Key="kept", Body=b"1")
    assert status_of(s3.create_bucket(Bucket=bucket)) == 200
    assert s3.get_object(Bucket=bucket, Key="kept")["Body"].read() == b"1"


def test_unknown_access_key_is_rejected(client_factory):
    stranger = client_factory("s3", key="AKIANOTAKNOWNKEY0000", secret="x")
    with raises_s3("InvalidAccessKeyId", 403):
        stranger.list_buckets()


def test_wrong_secret_is_rejected(client_factory):
    with raises_s3("SignatureDoesNotMatch", 403):
        client_factory("s3", secret="not-the-secret").list_buckets()


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "UpperCase",
        "under_score",
        "-leading-dash",
        "trailing-dash-",
        "double..dot",
        "dot.-dash",
        "192.168.5.4",
        "xn--punycode",
        "ends-s3alias",
    ],
)
def test_invalid_bucket_names(s3, name):
    with raises_s3("InvalidBucketName", 400):
        s3.create_bucket(Bucket=name)


def test_valid_edge_bucket_names(s3, unique_name):
    for name in ("abc", "a" * 63, "dots.in.name-" + unique_name("v")[2:]):
        s3.create_bucket(Bucket=name)
        s3.head_bucket(Bucket=name)
        s3.delete_bucket(Bucket=name)


# -- list, head, delete ------------------------------------------------------------------
def test_list_buckets_shows_new_bucket_with_owner(s3, bucket):
    out = s3.list_buckets()
    names = [b["Name"] for b in out["Buckets"]]
    assert bucket in names
    assert names == sorted(names)
    assert out["Owner"]["ID"]
    created = next(b for b in out["Buckets"] if b["Name"] == bucket)["CreationDate"]
    assert created.tzinfo is not None


def test_list_buckets_with_prefix_and_pagination(s3, unique_name):
    stem = unique_name("pg")
    names = [f"{stem}-{i}" for i in range(3)]
    for n in names:
        s3.create_bucket(Bucket=n)
    first = s3.list_buckets(Prefix=stem, MaxBuckets=2)
    assert [b["Name"] for b in first["Buckets"]] == names[:2]
    assert first["Prefix"] == stem
    rest = s3.list_buckets(Prefix=stem, MaxBuckets=2, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in rest["Buckets"]] == names[2:]
    assert "ContinuationToken" not in rest


def test_head_bucket(s3, bucket, unique_name):
    assert status_of(s3.head_bucket(Bucket=bucket)) == 200
    with raises_s3("404", 404):
        s3.head_bucket(Bucket=unique_name("missing"))


def test_delete_bucket(s3, bucket):
    assert status_of(s3.delete_bucket(Bucket=bucket)) == 204
    with raises_s3("404", 404):
        s3.head_bucket(Bucket=bucket)
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    with raises_s3("NoSuchBucket", 404):
        s3.delete_bucket(Bucket=bucket)


def test_delete_non_empty_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with raises_s3("BucketNotEmpty", 409):
        s3.delete_bucket(Bucket=bucket)
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def test_versioned_bucket_with_only_delete_markers_is_not_empty(s3, versioned_bucket):
    b = versioned_bucket
    v = s3.put_object(Bucket=b, Key="k", Body=b"x")["VersionId"]
    marker = s3.delete_object(Bucket=b, Key="k")["VersionId"]
    s3.delete_object(Bucket=b, Key="k", VersionId=v)
    assert "Contents" not in s3.list_objects_v2(Bucket=b)
    with raises_s3("BucketNotEmpty", 409):
        s3.delete_bucket(Bucket=b)
    s3.delete_object(Bucket=b, Key="k", VersionId=marker)
    s3.delete_bucket(Bucket=b)


def test_delete_bucket_with_pending_multipart_upload(s3, bucket):
    s3.create_multipart_upload(Bucket=bucket, Key="pending")
    s3.delete_bucket(Bucket=bucket)
    with raises_s3("NoSuchBucket", 404):
        s3.list_multipart_uploads(Bucket=bucket)


def test_operations_on_missing_bucket(s3, unique_name):
    name = unique_name("gone")
    with raises_s3("NoSuchBucket", 404) as info:
        s3.put_object(Bucket=name, Key="k", Body=b"x")
    assert info.value.response["Error"]["BucketName"] == name
    with raises_s3("NoSuchBucket", 404):
        s3.list_objects_v2(Bucket=name)
    with raises_s3("NoSuchBucket", 404):
        s3.get_bucket_tagging(Bucket=name)


# -- tagging -----------------------------------------------------------------------------
def test_bucket_tagging(s3, bucket):
    with raises_s3("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)
    tags = [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "data"}]
    assert status_of(s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})) == 204
    got = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    assert sorted(got, key=lambda t: t["Key"]) == tags
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "only", "Value": ""}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "only", "Value": ""}]
    assert status_of(s3.delete_bucket_tagging(Bucket=bucket)) == 204
    with raises_s3("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)


def test_bucket_tagging_rejects_duplicate_and_aws_keys(s3, bucket):
    with raises_s3("InvalidTag", 400):
        s3.put_bucket_tagging(
            Bucket=bucket,
            Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]},
        )
    with raises_s3("InvalidTag", 400):
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]})


# -- policy ------------------------------------------------------------------------------
def _policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicRead",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def test_bucket_policy(s3, bucket):
    with raises_s3("NoSuchBucketPolicy", 404):
        s3.get_bucket_policy(Bucket=bucket)
    policy = _policy(bucket)
    assert status_of(s3.put_bucket_policy(Bucket=bucket, Policy=policy)) == 204
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(policy)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    assert status_of(s3.delete_bucket_policy(Bucket=bucket)) == 204
    with raises_s3("NoSuchBucketPolicy", 404):
        s3.get_bucket_policy(Bucket=bucket)


@pytest.mark.parametrize("policy", ["not json", "[]", '{"Version": "2012-10-17"}'])
def test_malformed_bucket_policy(s3, bucket, policy):
    with raises_s3("MalformedPolicy", 400):
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    with raises_s3("NoSuchBucketPolicy", 404):
        s3.get_bucket_policy(Bucket=bucket)


# -- versioning --------------------------------------------------------------------------
def test_versioning_configuration(s3, bucket):
    out = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in out
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_versioning_rejects_unknown_status(s3, bucket):
    with raises_s3("MalformedXML", 400):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "On"})


# -- notifications -----------------------------------------------------------------------
@pytest.fixture
def destinations(client_factory, bucket, unique_name):
    """A queue, a topic and a function that let S3 deliver `bucket`'s notifications."""
    sqs, sns, lam = (client_factory(s) for s in ("sqs", "sns", "lambda"))
    url = sqs.create_queue(QueueName=unique_name("uploads"))["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": s3_may("SQS:SendMessage", queue, bucket)}
    )
    topic = sns.create_topic(Name=unique_name("deletes"))["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic,
        AttributeName="Policy",
        AttributeValue=s3_may("SNS:Publish", topic, bucket),
    )
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as zf:
        zf.writestr("app.py", "def handler(event, context):\n    return None\n")
    function = lam.create_function(
        FunctionName=unique_name("thumb"),
        Runtime="python3.12",
        Role="arn:aws:iam::000000000000:role/lambda-role",
        Handler="app.handler",
        Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]
    lam.add_permission(
        FunctionName=function,
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn=f"arn:aws:s3:::{bucket}",
    )
    return queue, topic, function


def test_notification_configuration_round_trip(s3, bucket, destinations):
    queue, topic, function = destinations
    assert s3.get_bucket_notification_configuration(Bucket=bucket).keys() <= {"ResponseMetadata"}
    config = {
        "QueueConfigurations": [
            {
                "Id": "to-queue",
                "QueueArn": queue,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {
                    "Key": {
                        "FilterRules": [
                            {"Name": "Prefix", "Value": "images/"},
                            {"Name": "Suffix", "Value": ".jpg"},
                        ]
                    }
                },
            }
        ],
        "TopicConfigurations": [
            {
                "Id": "to-topic",
                "TopicArn": topic,
                "Events": ["s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated"],
            }
        ],
        "LambdaFunctionConfigurations": [
            {
                "Id": "to-lambda",
                "LambdaFunctionArn": function,
                "Events": ["s3:ObjectCreated:Put"],
                "Filter": {"Key": {"FilterRules": [{"Name": "Suffix", "Value": ".png"}]}},
            }
        ],
    }
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    got.pop("ResponseMetadata")
    assert got == config
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert not any(k.endswith("Configurations") for k in got)


def test_eventbridge_notification_round_trip(s3, bucket):
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["EventBridgeConfiguration"] == {}


def test_notification_filter_rule_names_come_back_capitalised(s3, bucket, destinations):
    # S3 accepts prefix/suffix in any case and answers with "Prefix"/"Suffix".
    config = {
        "QueueConfigurations": [
            {
                "QueueArn": destinations[0],
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}},
            }
        ]
    }
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    queue = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"][0]
    assert queue["Filter"] == {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "in/"}]}}
    assert queue["Id"]  # S3 names a configuration that came without an Id


def test_notification_rejects_bad_filter_and_event(s3, bucket):
    def put(filter_name: str, event: str) -> None:
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": "arn:aws:sqs:us-east-1:000000000000:q",
                        "Events": [event],
                        "Filter": {"Key": {"FilterRules": [{"Name": filter_name, "Value": "x"}]}},
                    }
                ]
            },
        )

    with raises_s3("InvalidArgument", 400):
        put("middle", "s3:ObjectCreated:*")
    with raises_s3("InvalidArgument", 400):
        put("prefix", "s3:NoSuchEvent")
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)


# -- CORS --------------------------------------------------------------------------------
def test_bucket_cors(s3, bucket):
    with raises_s3("NoSuchCORSConfiguration", 404):
        s3.get_bucket_cors(Bucket=bucket)
    rules = [
        {
            "ID": "web",
            "AllowedHeaders": ["*"],
            "AllowedMethods": ["GET", "PUT"],
            "AllowedOrigins": ["https://example.com"],
            "ExposeHeaders": ["ETag", "x-amz-request-id"],
            "MaxAgeSeconds": 3000,
        },
        {"AllowedMethods": ["HEAD"], "AllowedOrigins": ["*"]},
    ]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    assert status_of(s3.delete_bucket_cors(Bucket=bucket)) == 204
    with raises_s3("NoSuchCORSConfiguration", 404):
        s3.get_bucket_cors(Bucket=bucket)


def test_bucket_cors_rejects_unknown_method(s3, bucket):
    with raises_s3("InvalidRequest", 400):
        s3.put_bucket_cors(
            Bucket=bucket,
            CORSConfiguration={
                "CORSRules": [{"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}]
            },
        )


# -- lifecycle ---------------------------------------------------------------------------
def test_bucket_lifecycle(s3, bucket):
    with raises_s3("NoSuchLifecycleConfiguration", 404):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    rules = [
        {
            "ID": "expire-logs",
            "Filter": {"Prefix": "logs/"},
            "Status": "Enabled",
            "Expiration": {"Days": 30},
        },
        {
            "ID": "tidy-uploads",
            "Filter": {"Prefix": ""},
            "Status": "Disabled",
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 10},
        },
    ]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == rules
    assert status_of(s3.delete_bucket_lifecycle(Bucket=bucket)) == 204
    with raises_s3("NoSuchLifecycleConfiguration", 404):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)


# -- ACL, encryption ---------------------------------------------------------------------
def test_bucket_acl_is_owner_full_control(s3, bucket):
    acl = s3.get_bucket_acl(Bucket=bucket)
    owner_id = s3.list_buckets()["Owner"]["ID"]
    assert acl["Owner"]["ID"] == owner_id
    assert acl["Grants"] == [
        {
            "Grantee": {
                "ID": owner_id,
                "Type": "CanonicalUser",
                **(
                    {"DisplayName": acl["Owner"]["DisplayName"]}
                    if "DisplayName" in acl["Owner"]
                    else {}
                ),
            },
            "Permission": "FULL_CONTROL",
        }
    ]


def test_bucket_encryption_defaults_to_sse_s3(s3, bucket):
    config = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    rule = config["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    kms = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/my-key"}
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": kms, "BucketKeyEnabled": True}]
        },
    )
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == kms
    assert rule["BucketKeyEnabled"] is True


def test_acls_are_disabled_by_default(s3, bucket, unique_name):
    # New buckets use Object Ownership "BucketOwnerEnforced": ACLs other than the owner's fail.
    with raises_s3("AccessControlListNotSupported", 400):
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    with raises_s3("AccessControlListNotSupported", 400):
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    with raises_s3("InvalidBucketAclWithObjectOwnership", 400):
        s3.create_bucket(Bucket=unique_name("acl"), ACL="public-read")


def test_canned_acls_when_object_writer_owns(s3, unique_name):
    name = unique_name("acl")
    s3.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter")
    s3.put_bucket_acl(Bucket=name, ACL="public-read")
    grants = s3.get_bucket_acl(Bucket=name)["Grants"]
    assert {
        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
        "Permission": "READ",
    } in grants
    s3.put_object(Bucket=name, Key="k", Body=b"x", ACL="authenticated-read")
    grants = s3.get_object_acl(Bucket=name, Key="k")["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL", "READ"]
    assert grants[1]["Grantee"]["URI"].endswith("/AuthenticatedUsers")
    s3.put_object_acl(Bucket=name, Key="k", ACL="private")
    assert [g["Permission"] for g in s3.get_object_acl(Bucket=name, Key="k")["Grants"]] == [
        "FULL_CONTROL"
    ]
