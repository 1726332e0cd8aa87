"""Topics through boto3: create (standard, FIFO, idempotent), attributes, listing, tags, delete."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from conftest import unique


def test_create_is_idempotent_and_attributes_read_back(sns):
    name = unique()
    arn = sns.create_topic(Name=name, Attributes={"DisplayName": "Hello"})["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:000000000000:{name}"
    assert sns.create_topic(Name=name, Attributes={"DisplayName": "Hello"})["TopicArn"] == arn
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name=name, Attributes={"DisplayName": "Other"})
    assert e.value.response["Error"]["Code"] == "InvalidParameter"
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["DisplayName"] == "Hello"
    assert attrs["TopicArn"] == arn
    assert attrs["Owner"] == "000000000000"
    assert json.loads(attrs["Policy"])["Statement"][0]["Resource"] == arn
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="New")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "New"


def test_fifo_topic_naming_and_attributes(sns):
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name=unique(), Attributes={"FifoTopic": "true"})
    assert e.value.response["Error"]["Code"] == "InvalidParameter"
    with pytest.raises(ClientError):
        sns.create_topic(Name="bad name!")
    arn = sns.create_topic(
        Name=unique() + ".fifo",
        Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"},
    )["TopicArn"]
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["FifoTopic"] == "true"
    assert attrs["ContentBasedDeduplication"] == "true"


def test_list_topics_paginates_and_delete_removes(sns):
    prefix = unique("page")
    arns = {sns.create_topic(Name=f"{prefix}-{i:03d}")["TopicArn"] for i in range(105)}
    listed = set()
    for page in sns.get_paginator("list_topics").paginate():
        assert len(page["Topics"]) <= 100
        listed |= {t["TopicArn"] for t in page["Topics"]}
    assert arns <= listed
    for arn in arns:
        sns.delete_topic(TopicArn=arn)
    listed = {
        t["TopicArn"] for p in sns.get_paginator("list_topics").paginate() for t in p["Topics"]
    }
    assert not arns & listed


def test_missing_topic_is_not_found(sns):
    with pytest.raises(ClientError) as e:
        sns.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:000000000000:nope-nope")
    assert e.value.response["Error"]["Code"] == "NotFound"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_tags(sns):
    arn = sns.create_topic(Name=unique(), Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
    tags = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
    assert tags == {"team": "a", "env": "dev"}
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(ClientError) as e:
        sns.list_tags_for_resource(ResourceArn=arn + "-missing")
    assert e.value.response["Error"]["Code"] == "ResourceNotFound"
