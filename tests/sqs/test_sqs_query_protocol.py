"""The query protocol older SDKs speak (botocore 1.31's model, as Strato ships it), and
raw signed form posts with flattened names, as the Node aws-sdk v2 sends them."""

from __future__ import annotations

import hashlib
import uuid
from urllib.parse import urlencode

import botocore.auth
import botocore.credentials
import pytest
import requests
from botocore.awsrequest import AWSRequest


def test_query_client_round_trip(sqs_query, sqs):
    name = f"qq-{uuid.uuid4().hex[:8]}"
    url = sqs_query.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "12"})["QueueUrl"]
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    sent = sqs_query.send_message(
        QueueUrl=url,
        MessageBody="via query",
        MessageAttributes={
            "timestamp": {"StringValue": "1493147359901", "DataType": "Number"},
        },
    )
    assert sent["MD5OfMessageAttributes"] == "994258b45346a2cc3f9cbb611aa7af30"
    msgs = sqs_query.receive_message(
        QueueUrl=url, AttributeNames=["All"], MessageAttributeNames=["All"], MaxNumberOfMessages=10
    )["Messages"]
    assert msgs[0]["Body"] == "via query"
    assert msgs[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    assert msgs[0]["MessageAttributes"]["timestamp"]["StringValue"] == "1493147359901"
    attrs = sqs_query.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (
        attrs["VisibilityTimeout"] == "12" and attrs["ApproximateNumberOfMessagesNotVisible"] == "1"
    )
    batch = sqs_query.delete_message_batch(
        QueueUrl=url, Entries=[{"Id": "a", "ReceiptHandle": msgs[0]["ReceiptHandle"]}]
    )
    assert [e["Id"] for e in batch["Successful"]] == ["a"]
    sqs_query.tag_queue(QueueUrl=url, Tags={"k": "v"})
    assert sqs_query.list_queue_tags(QueueUrl=url)["Tags"] == {"k": "v"}
    assert url in sqs_query.list_queues(QueueNamePrefix="qq-")["QueueUrls"]


def test_query_errors_carry_legacy_codes(sqs_query):
    with pytest.raises(sqs_query.exceptions.QueueDoesNotExist) as err:
        sqs_query.get_queue_url(QueueName=f"missing-{uuid.uuid4().hex[:8]}")
    assert err.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def _signed_post(endpoint: str, path: str, form: dict[str, str]) -> requests.Response:
    body = urlencode(form)
    req = AWSRequest(
        "POST",
        endpoint + path,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    creds = botocore.credentials.Credentials("test", "test")
    botocore.auth.SigV4Auth(creds, "sqs", "us-east-1").add_auth(req)
    return requests.post(endpoint + path, data=body, headers=dict(req.headers))


def test_raw_form_posts_with_flattened_attributes(endpoint, sqs):
    url = sqs.create_queue(QueueName=f"raw-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    path = url[url.index("/", len("http://")) :]
    resp = _signed_post(
        endpoint,
        path,
        {
            "Action": "SendMessage",
            "Version": "2012-11-05",
            "QueueUrl": url,
            "MessageBody": "flat",
            "MessageAttribute.1.Name": "color",
            "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.1.Value.StringValue": "blue",
        },
    )
    assert resp.status_code == 200, resp.text
    assert "<SendMessageResponse" in resp.text
    assert f"<MD5OfMessageBody>{hashlib.md5(b'flat').hexdigest()}</MD5OfMessageBody>" in resp.text
    msg = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["color"])["Messages"][0]
    assert msg["MessageAttributes"]["color"]["StringValue"] == "blue"

    missing = _signed_post(
        endpoint,
        "/",
        {"Action": "GetQueueUrl", "Version": "2012-11-05", "QueueName": "nope-" + uuid.uuid4().hex},
    )
    assert missing.status_code == 400
    assert "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in missing.text
