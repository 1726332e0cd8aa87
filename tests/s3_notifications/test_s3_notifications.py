"""S3 event notifications through real boto3: to SQS, SNS and Lambda, and a loop Strato stops."""

from __future__ import annotations

import io
import json
import re
import time
import uuid
import zipfile

import pytest
from resource_policies import s3_may, service_may

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def sqs(client_factory):
    return client_factory("sqs")


@pytest.fixture
def queue(sqs):
    url = sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


@pytest.fixture
def versioned_bucket(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def _messages(sqs, url: str, want: int, timeout: float = 10.0) -> list[dict]:
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        out = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for m in out.get("Messages", []):
            got.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def _events(sqs, url: str, want: int) -> list[dict]:
    """Notification records (TestEvents skipped), in arrival order."""
    docs = _messages(sqs, url, want + 1, timeout=5.0 if want == 0 else 10.0)
    return [d["Records"][0] for d in docs if "Records" in d]


def _configure(s3, sqs, bucket: str, queue, events: list[str], rules=None, cid="cfg") -> None:
    url, arn = queue
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": s3_may("SQS:SendMessage", arn, bucket)}
    )
    item = {"Id": cid, "QueueArn": arn, "Events": events}
    if rules:
        item["Filter"] = {"Key": {"FilterRules": rules}}
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [item]}
    )


def test_configuration_sends_a_test_event(s3, sqs, bucket, queue):
    url, arn = queue
    _configure(s3, sqs, bucket, queue, ["s3:ObjectCreated:*"])
    [doc] = _messages(sqs, url, 1)
    assert doc["Service"] == "Amazon S3"
    assert doc["Event"] == "s3:TestEvent"
    assert doc["Bucket"] == bucket
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", doc["Time"])
    assert doc["RequestId"] and doc["HostId"]


def test_put_sends_the_event_document(s3, sqs, bucket, queue):
    url, arn = queue
    _configure(s3, sqs, bucket, queue, ["s3:ObjectCreated:Put"], cid="on-put")
    out = s3.put_object(Bucket=bucket, Key="dir/a b+c.txt", Body=b"hello")
    [record] = _events(sqs, url, 1)
    assert record["eventVersion"] == "2.1"
    assert record["eventSource"] == "aws:s3"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventName"] == "ObjectCreated:Put"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", record["eventTime"])
    assert record["userIdentity"]["principalId"]
    assert record["requestParameters"]["sourceIPAddress"]
    assert record["responseElements"]["x-amz-request-id"] == (out["ResponseMetadata"]["RequestId"])
    assert record["responseElements"]["x-amz-id-2"]
    s3part = record["s3"]
    assert s3part["s3SchemaVersion"] == "1.0"
    assert s3part["configurationId"] == "on-put"
    assert s3part["bucket"]["name"] == bucket
    assert s3part["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert s3part["bucket"]["ownerIdentity"]["principalId"]
    obj = s3part["object"]
    assert obj["key"] == "dir/a+b%2Bc.txt"  # quote_plus, as S3 encodes keys
    assert obj["size"] == 5
    assert obj["eTag"] == out["ETag"].strip('"')
    assert "versionId" not in obj
    assert re.match(r"^[0-9A-F]+$", obj["sequencer"])


def test_sequencer_rises_per_key(s3, sqs, bucket, queue):
    url, arn = queue
    _configure(s3, sqs, bucket, queue, ["s3:ObjectCreated:*"])
    for i in range(3):
        s3.put_object(Bucket=bucket, Key="k", Body=str(i).encode())
    seqs = [r["s3"]["object"]["sequencer"] for r in _events(sqs, url, 3)]
    assert len(seqs) == 3
    assert sorted(seqs, key=lambda s: int(s, 16)) == seqs and len(set(seqs)) == 3


def test_prefix_and_suffix_filters(s3, sqs, bucket, queue):
    url, arn = queue
    _configure(
        s3,
        sqs,
        bucket,
        queue,
        ["s3:ObjectCreated:*"],
        rules=[{"Name": "prefix", "Value": "in/"}, {"Name": "suffix", "Value": ".txt"}],
    )
    for key in ("in/yes.txt", "in/no.csv", "out/no.txt", "in/sub/yes2.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    keys = sorted(r["s3"]["object"]["key"] for r in _events(sqs, url, 2))
    assert keys == ["in/sub/yes2.txt", "in/yes.txt"]
    assert _events(sqs, url, 0) == []


def test_events_not_configured_are_not_sent(s3, sqs, bucket, queue):
    url, arn = queue
    _configure(s3, sqs, bucket, queue, ["s3:ObjectRemoved:*"])
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="k")
    [record] = _events(sqs, url, 1)
    assert record["eventName"] == "ObjectRemoved:Delete"
    assert record["s3"]["object"]["key"] == "k"
    assert "size" not in record["s3"]["object"]


def test_versioned_delete_and_delete_marker(s3, sqs, versioned_bucket, queue):
    bucket = versioned_bucket
    url, arn = queue
    _configure(s3, sqs, bucket, queue, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    put = s3.put_object(Bucket=bucket, Key="v.txt", Body=b"one")
    marker = s3.delete_object(Bucket=bucket, Key="v.txt")
    s3.delete_object(Bucket=bucket, Key="v.txt", VersionId=put["VersionId"])
    created, made_marker, deleted = _events(sqs, url, 3)
    assert created["eventName"] == "ObjectCreated:Put"
    assert created["s3"]["object"]["versionId"] == put["VersionId"]
    assert made_marker["eventName"] == "ObjectRemoved:DeleteMarkerCreated"
    assert made_marker["s3"]["object"]["versionId"] == marker["VersionId"]
    assert deleted["eventName"] == "ObjectRemoved:Delete"
    assert deleted["s3"]["object"]["versionId"] == put["VersionId"]


def test_delete_objects_sends_one_event_per_key(s3, sqs, bucket, queue):
    url, arn = queue
    _configure(s3, sqs, bucket, queue, ["s3:ObjectRemoved:Delete"])
    for key in ("a", "b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}]})
    assert sorted(r["s3"]["object"]["key"] for r in _events(sqs, url, 2)) == ["a", "b"]


def test_copy_and_multipart_complete(s3, sqs, bucket, queue):
    url, arn = queue
    _configure(
        s3,
        sqs,
        bucket,
        queue,
        ["s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload"],
    )
    s3.put_object(Bucket=bucket, Key="src", Body=b"source")  # Put is not configured
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"p" * 10)
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    copied, completed = _events(sqs, url, 2)
    assert copied["eventName"] == "ObjectCreated:Copy"
    assert copied["s3"]["object"]["key"] == "dst"
    assert copied["s3"]["object"]["size"] == 6
    assert completed["eventName"] == "ObjectCreated:CompleteMultipartUpload"
    assert completed["s3"]["object"]["size"] == 10
    assert completed["s3"]["object"]["eTag"] == done["ETag"].strip('"')


def test_object_tagging_events(s3, sqs, bucket, queue):
    url, arn = queue
    _configure(s3, sqs, bucket, queue, ["s3:ObjectTagging:*"])
    s3.put_object(Bucket=bucket, Key="t", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    names = [r["eventName"] for r in _events(sqs, url, 2)]
    assert names == ["ObjectTagging:Put", "ObjectTagging:Delete"]


def test_topic_delivers_to_a_subscribed_queue(s3, sqs, client_factory, bucket, queue):
    sns = client_factory("sns")
    url, arn = queue
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"Policy": service_may("sns.amazonaws.com", "sqs:SendMessage", arn)},
    )
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=s3_may("SNS:Publish", topic, bucket)
    )
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "TopicConfigurations": [
                {"Id": "t", "TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    s3.put_object(Bucket=bucket, Key="via-topic", Body=b"x")
    docs = _messages(sqs, url, 2)
    assert docs[0]["Event"] == "s3:TestEvent"
    assert docs[1]["Records"][0]["s3"]["object"]["key"] == "via-topic"


# -- Lambda -------------------------------------------------------------------------------

WRITER = """
import json, os
import boto3

def handler(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]
    boto3.client("s3").put_object(
        Bucket=os.environ["OUT"], Key="seen/" + key, Body=json.dumps(event)
    )
"""


def _zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    return buf.getvalue()


def _function(lam, bucket_in: str, bucket_out: str) -> str:
    arn = lam.create_function(
        FunctionName=unique("fn"),
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": _zip(WRITER)},
        Environment={"Variables": {"OUT": bucket_out}},
    )["FunctionArn"]
    lam.add_permission(
        FunctionName=arn,
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn=f"arn:aws:s3:::{bucket_in}",
    )
    return arn


def _keys(s3, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _lambda_config(s3, bucket: str, fn: str) -> None:
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"Id": "fn", "LambdaFunctionArn": fn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )


def test_put_invokes_the_function_with_the_event(client_factory, s3, bucket):
    lam = client_factory("lambda", read_timeout=120)
    out_bucket = unique("out")
    s3.create_bucket(Bucket=out_bucket)
    fn = _function(lam, bucket, out_bucket)
    _lambda_config(s3, bucket, fn)
    s3.put_object(Bucket=bucket, Key="photo.jpg", Body=b"img")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "seen/photo.jpg" not in _keys(s3, out_bucket):
        time.sleep(0.2)
    body = s3.get_object(Bucket=out_bucket, Key="seen/photo.jpg")["Body"].read()
    [record] = json.loads(body)["Records"]
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["bucket"]["name"] == bucket
    assert record["s3"]["object"]["size"] == 3


def test_function_writing_to_its_own_bucket_is_stopped(client_factory, s3, bucket):
    lam = client_factory("lambda", read_timeout=120)
    fn = _function(lam, bucket, bucket)  # every write triggers the function again
    _lambda_config(s3, bucket, fn)
    s3.put_object(Bucket=bucket, Key="start", Body=b"go")
    # The chain grows one object per invocation; wait until it stops growing.
    deadline = time.monotonic() + 120
    last, stable_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(_keys(s3, bucket))
        if count != last:
            last, stable_since = count, time.monotonic()
        elif count > 1 and time.monotonic() - stable_since > 5:
            break
        time.sleep(0.5)
    assert time.monotonic() < deadline, f"the loop did not stop ({last} objects)"
    assert 2 < last <= 20  # the start object plus about 16 invocations, then stopped
    deepest = max(_keys(s3, bucket), key=len)
    assert deepest.startswith("seen/seen/")


def test_eventbridge_receives_object_events(s3, sqs, client_factory, bucket, queue):
    events = client_factory("events")
    url, arn = queue
    rule = unique("rule")
    events.put_rule(
        Name=rule,
        EventPattern=json.dumps(
            {
                "source": ["aws.s3"],
                "detail-type": ["Object Created", "Object Deleted"],
                "detail": {"bucket": {"name": [bucket]}},
            }
        ),
    )
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    try:
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
        )
        assert "EventBridgeConfiguration" in s3.get_bucket_notification_configuration(Bucket=bucket)
        put = s3.put_object(Bucket=bucket, Key="a b.txt", Body=b"abc")
        s3.delete_object(Bucket=bucket, Key="a b.txt")
        created, deleted = sorted(
            _messages(sqs, url, 2), key=lambda e: e["detail-type"] != "Object Created"
        )
        assert created["source"] == "aws.s3"
        assert created["resources"] == [f"arn:aws:s3:::{bucket}"]
        assert created["detail"]["object"]["key"] == "a b.txt"
        assert created["detail"]["object"]["size"] == 3
        assert created["detail"]["object"]["etag"] == put["ETag"].strip('"')
        assert created["detail"]["reason"] == "PutObject"
        assert deleted["detail-type"] == "Object Deleted"
        assert deleted["detail"]["deletion-type"] == "Permanently Deleted"
    finally:
        events.remove_targets(Rule=rule, Ids=["q"])
        events.delete_rule(Name=rule)


# -- destinations S3 may not deliver to ----------------------------------------------------

UNVALIDATED = "Unable to validate the following destination configurations"
QUEUE_REFUSED = (
    "Permissions on the destination queue do not allow S3 to publish notifications from this bucket"
)
TOPIC_REFUSED = (
    "Permissions on the destination topic do not allow S3 to publish notifications from this bucket"
)


def _refused(s3, bucket: str, config: dict) -> dict:
    with pytest.raises(s3.exceptions.ClientError) as info:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    error = info.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("InvalidArgument", UNVALIDATED)
    stored = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert not {"QueueConfigurations", "TopicConfigurations", "LambdaFunctionConfigurations"} & set(
        stored
    )
    return error


def _queue_config(arn: str) -> dict:
    return {"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]}


def test_queue_without_a_policy_is_refused_and_gets_no_test_event(s3, sqs, bucket, queue):
    url, arn = queue
    error = _refused(s3, bucket, _queue_config(arn))
    assert (error["ArgumentName1"], error["ArgumentValue1"]) == (arn, QUEUE_REFUSED)
    assert _messages(sqs, url, 1, timeout=2.0) == []


def test_queue_policy_for_another_bucket_is_refused(s3, sqs, bucket, queue):
    url, arn = queue
    policy = s3_may("SQS:SendMessage", arn, f"{bucket}-other")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    error = _refused(s3, bucket, _queue_config(arn))
    assert (error["ArgumentName1"], error["ArgumentValue1"]) == (arn, QUEUE_REFUSED)


def test_queue_policy_for_another_account_is_refused(s3, sqs, bucket, queue):
    url, arn = queue
    policy = json.loads(s3_may("SQS:SendMessage", arn, bucket))
    policy["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"] = "111122223333"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    error = _refused(s3, bucket, _queue_config(arn))
    assert error["ArgumentValue1"] == QUEUE_REFUSED


def test_missing_queue_is_refused(s3, bucket, queue):
    _, arn = queue
    missing = arn.rsplit(":", 1)[0] + ":" + unique("gone")
    error = _refused(s3, bucket, _queue_config(missing))
    assert (error["ArgumentName1"], error["ArgumentValue1"]) == (
        missing,
        "The destination queue does not exist",
    )


def test_queue_with_the_documented_policy_is_accepted(s3, sqs, bucket, queue):
    url, arn = queue
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": s3_may("SQS:SendMessage", arn, bucket)}
    )
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration=_queue_config(arn)
    )
    [doc] = _messages(sqs, url, 1)
    assert doc["Event"] == "s3:TestEvent"


def test_every_refused_destination_is_named(s3, sqs, bucket, queue):
    _, allowed_arn = queue
    sqs.set_queue_attributes(
        QueueUrl=queue[0], Attributes={"Policy": s3_may("SQS:SendMessage", allowed_arn, bucket)}
    )
    bare_url = sqs.create_queue(QueueName=unique("bare"))["QueueUrl"]
    bare = sqs.get_queue_attributes(QueueUrl=bare_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    missing = bare.rsplit(":", 1)[0] + ":" + unique("gone")
    config = {
        "QueueConfigurations": [
            {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}
            for arn in (allowed_arn, bare, missing)
        ]
    }
    error = _refused(s3, bucket, config)
    assert (error["ArgumentName1"], error["ArgumentValue1"]) == (bare, QUEUE_REFUSED)
    assert (error["ArgumentName2"], error["ArgumentValue2"]) == (
        missing,
        "The destination queue does not exist",
    )
    assert "ArgumentName3" not in error


def test_queue_policy_removed_later_stops_delivery(s3, sqs, bucket, queue):
    url, arn = queue
    _configure(s3, sqs, bucket, queue, ["s3:ObjectCreated:*"])
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    s3.put_object(Bucket=bucket, Key="dropped", Body=b"x")
    assert _events(sqs, url, 0) == []


def test_topic_with_its_default_policy_is_refused(s3, client_factory, bucket):
    sns = client_factory("sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    config = {"TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]}
    error = _refused(s3, bucket, config)
    assert (error["ArgumentName1"], error["ArgumentValue1"]) == (topic, TOPIC_REFUSED)
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=s3_may("SNS:Publish", topic, bucket)
    )
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    [stored] = s3.get_bucket_notification_configuration(Bucket=bucket)["TopicConfigurations"]
    assert stored["TopicArn"] == topic


def test_missing_topic_is_refused(s3, client_factory, bucket):
    sns = client_factory("sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    sns.delete_topic(TopicArn=topic)
    config = {"TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]}
    error = _refused(s3, bucket, config)
    assert (error["ArgumentName1"], error["ArgumentValue1"]) == (
        topic,
        "The destination topic does not exist",
    )


def test_function_without_a_permission_for_s3_is_refused(client_factory, s3, bucket):
    lam = client_factory("lambda")
    fn = lam.create_function(
        FunctionName=unique("fn"),
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": _zip(WRITER)},
    )["FunctionArn"]
    config = {
        "LambdaFunctionConfigurations": [
            {"LambdaFunctionArn": fn, "Events": ["s3:ObjectCreated:*"]}
        ]
    }
    error = _refused(s3, bucket, config)
    assert (error["ArgumentName1"], error["ArgumentValue1"]) == (
        fn,
        f"Not authorized to invoke function [{fn}]",
    )
    lam.add_permission(
        FunctionName=fn,
        StatementId="other-bucket",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn=f"arn:aws:s3:::{bucket}-other",
    )
    assert _refused(s3, bucket, config)["ArgumentName1"] == fn
    lam.add_permission(
        FunctionName=fn,
        StatementId="this-bucket",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn=f"arn:aws:s3:::{bucket}",
        SourceAccount=fn.split(":")[4],
    )
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    [stored] = s3.get_bucket_notification_configuration(Bucket=bucket)[
        "LambdaFunctionConfigurations"
    ]
    assert stored["LambdaFunctionArn"] == fn
