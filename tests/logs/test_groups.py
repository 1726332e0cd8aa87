"""Log groups through boto3: create, describe, delete, retention and both tagging APIs."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def error(exc_info) -> tuple[str, str]:
    err = exc_info.value.response["Error"]
    return err["Code"], err["Message"]


def describe(logs, name: str) -> dict:
    groups = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return next(g for g in groups if g["logGroupName"] == name)


def test_create_describe_delete(logs, unique, now_ms):
    name = "/aws/lambda/" + unique("fn")
    before = now_ms()
    logs.create_log_group(logGroupName=name, kmsKeyId="arn:aws:kms:us-east-1:000000000000:key/k1")
    g = describe(logs, name)
    assert before <= g["creationTime"] <= now_ms()
    assert g["arn"] == f"arn:aws:logs:us-east-1:000000000000:log-group:{name}:*"
    assert g["logGroupArn"] == f"arn:aws:logs:us-east-1:000000000000:log-group:{name}"
    assert g["storedBytes"] == 0
    assert g["metricFilterCount"] == 0
    assert g["kmsKeyId"] == "arn:aws:kms:us-east-1:000000000000:key/k1"
    assert "retentionInDays" not in g

    with pytest.raises(ClientError) as e:
        logs.create_log_group(logGroupName=name)
    assert error(e) == (
        "ResourceAlreadyExistsException",
        "The specified log group already exists",
    )

    logs.delete_log_group(logGroupName=name)
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    with pytest.raises(ClientError) as e:
        logs.delete_log_group(logGroupName=name)
    assert error(e) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_delete_group_removes_its_streams_and_events(logs, unique, now_ms):
    name = "/del/" + unique()
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="s")
    logs.put_log_events(
        logGroupName=name, logStreamName="s", logEvents=[{"timestamp": now_ms(), "message": "x"}]
    )
    logs.delete_log_group(logGroupName=name)
    logs.create_log_group(logGroupName=name)
    assert logs.describe_log_streams(logGroupName=name)["logStreams"] == []
    assert logs.filter_log_events(logGroupName=name)["events"] == []
    assert describe(logs, name)["storedBytes"] == 0


def test_invalid_group_name(raw_logs):
    with pytest.raises(ClientError) as e:
        raw_logs.create_log_group(logGroupName="has space")
    code, message = error(e)
    assert code == "InvalidParameterException"
    assert "'logGroupName'" in message and "regular expression pattern" in message


def test_prefix_pattern_and_pagination(logs, unique):
    base = "/page/" + unique()
    names = [f"{base}/{i:02d}-{'Alpha' if i % 2 else 'beta'}" for i in range(7)]
    for n in names:
        logs.create_log_group(logGroupName=n)

    seen, token, pages = [], None, 0
    while True:
        kw = {"logGroupNamePrefix": base, "limit": 3}
        if token:
            kw["nextToken"] = token
        page = logs.describe_log_groups(**kw)
        pages += 1
        assert len(page["logGroups"]) <= 3
        seen += [g["logGroupName"] for g in page["logGroups"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == sorted(names) and pages == 3

    paginated = [
        g["logGroupName"]
        for p in logs.get_paginator("describe_log_groups").paginate(
            logGroupNamePrefix=base, PaginationConfig={"PageSize": 2}
        )
        for g in p["logGroups"]
    ]
    assert paginated == sorted(names)

    # logGroupNamePattern is a case-insensitive substring match.
    by_pattern = logs.describe_log_groups(logGroupNamePattern=base.split("/")[-1] + "/0")
    assert len(by_pattern["logGroups"]) == 7
    alpha = logs.describe_log_groups(logGroupNamePattern=base.split("/")[-1][:8] + "")["logGroups"]
    assert {g["logGroupName"] for g in alpha} >= set(names)
    only_alpha = [
        g["logGroupName"]
        for g in logs.describe_log_groups(logGroupNamePattern="ALPHA")["logGroups"]
        if g["logGroupName"].startswith(base)
    ]
    assert only_alpha == [n for n in sorted(names) if "Alpha" in n]

    with pytest.raises(ClientError) as e:
        logs.describe_log_groups(logGroupNamePrefix=base, logGroupNamePattern="x")
    assert error(e)[0] == "InvalidParameterException"


def test_describe_limit_is_checked(raw_logs):
    with pytest.raises(ClientError) as e:
        raw_logs.describe_log_groups(limit=51)
    assert error(e) == (
        "InvalidParameterException",
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 50",
    )


def test_retention_policy(logs, group):
    logs.put_retention_policy(logGroupName=group, retentionInDays=14)
    assert describe(logs, group)["retentionInDays"] == 14
    logs.put_retention_policy(logGroupName=group, retentionInDays=3653)
    assert describe(logs, group)["retentionInDays"] == 3653
    for bad in (2, 0, 4000):
        with pytest.raises(ClientError) as e:
            logs.put_retention_policy(logGroupName=group, retentionInDays=bad)
        code, message = error(e)
        assert code == "InvalidParameterException"
        assert f"Value '{bad}' at 'retentionInDays'" in message
    logs.delete_retention_policy(logGroupName=group)
    assert "retentionInDays" not in describe(logs, group)

    with pytest.raises(ClientError) as e:
        logs.put_retention_policy(logGroupName=group + "-nope", retentionInDays=1)
    assert error(e)[0] == "ResourceNotFoundException"


def test_tags_on_create_and_both_tagging_apis(logs, unique):
    name = "/tags/" + unique()
    logs.create_log_group(logGroupName=name, tags={"team": "core", "env": "dev"})
    assert logs.list_tags_log_group(logGroupName=name)["tags"] == {"team": "core", "env": "dev"}

    logs.tag_log_group(logGroupName=name, tags={"env": "prod", "cost": "7"})
    logs.untag_log_group(logGroupName=name, tags=["team"])
    assert logs.list_tags_log_group(logGroupName=name)["tags"] == {"env": "prod", "cost": "7"}

    arn = describe(logs, name)["logGroupArn"]
    logs.tag_resource(resourceArn=arn, tags={"owner": "me"})
    logs.untag_resource(resourceArn=arn, tagKeys=["cost"])
    tags = logs.list_tags_for_resource(resourceArn=arn)["tags"]
    assert tags == {"env": "prod", "owner": "me"}
    # The model's ARN pattern has no '*': the `arn` form with ':*' is not a resource ARN.
    with pytest.raises(ClientError) as e:
        logs.list_tags_for_resource(resourceArn=arn + ":*")
    assert error(e)[0] == "InvalidParameterException"

    with pytest.raises(ClientError) as e:
        logs.list_tags_for_resource(resourceArn=arn + "-missing")
    assert error(e)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        logs.tag_resource(resourceArn=arn, tags={"aws:reserved": "x"})
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        logs.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(49)})
    assert error(e)[0] == "TooManyTagsException"
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == tags

    with pytest.raises(ClientError) as e:
        logs.create_log_group(logGroupName=name + "-many", tags={f"k{i}": "v" for i in range(51)})
    assert error(e)[0] == "InvalidParameterException"
    assert logs.describe_log_groups(logGroupNamePrefix=name + "-many")["logGroups"] == []


def test_groups_are_per_region(client_factory, unique):
    name = "/region/" + unique()
    east, west = client_factory("logs"), client_factory("logs", region="eu-west-1")
    east.create_log_group(logGroupName=name)
    west.create_log_group(logGroupName=name)
    assert describe(west, name)["arn"].startswith("arn:aws:logs:eu-west-1:")
    west.delete_log_group(logGroupName=name)
    assert describe(east, name)["logGroupName"] == name
