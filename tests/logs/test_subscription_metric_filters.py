"""Subscription filters and metric filters: stored, described, validated, deleted."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

DEST = "arn:aws:lambda:us-east-1:000000000000:function:sink"


def error(exc_info) -> tuple[str, str]:
    err = exc_info.value.response["Error"]
    return err["Code"], err["Message"]


def test_subscription_filters(logs, group, now_ms):
    before = now_ms()
    logs.put_subscription_filter(
        logGroupName=group, filterName="errors", filterPattern="ERROR", destinationArn=DEST
    )
    logs.put_subscription_filter(
        logGroupName=group,
        filterName="json",
        filterPattern="{ $.level = ERROR }",
        destinationArn="arn:aws:kinesis:us-east-1:000000000000:stream/s",
        roleArn="arn:aws:iam::000000000000:role/r",
        distribution="Random",
    )
    found = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    assert [f["filterName"] for f in found] == ["errors", "json"]
    errors, js = found
    assert errors["filterPattern"] == "ERROR" and errors["destinationArn"] == DEST
    assert errors["logGroupName"] == group and errors["distribution"] == "ByLogStream"
    assert errors["creationTime"] >= before
    assert js["roleArn"] == "arn:aws:iam::000000000000:role/r" and js["distribution"] == "Random"

    # Same name updates; a third name is over the limit of two.
    logs.put_subscription_filter(
        logGroupName=group, filterName="errors", filterPattern="WARN", destinationArn=DEST
    )
    found = logs.describe_subscription_filters(logGroupName=group, filterNamePrefix="err")
    assert [f["filterPattern"] for f in found["subscriptionFilters"]] == ["WARN"]
    with pytest.raises(ClientError) as e:
        logs.put_subscription_filter(
            logGroupName=group, filterName="third", filterPattern="", destinationArn=DEST
        )
    assert error(e)[0] == "LimitExceededException"

    with pytest.raises(ClientError) as e:
        logs.put_subscription_filter(
            logGroupName=group, filterName="errors", filterPattern="{ bad", destinationArn=DEST
        )
    assert error(e) == ("InvalidParameterException", "Invalid filter pattern")

    logs.delete_subscription_filter(logGroupName=group, filterName="errors")
    with pytest.raises(ClientError) as e:
        logs.delete_subscription_filter(logGroupName=group, filterName="errors")
    assert error(e)[0] == "ResourceNotFoundException"
    names = [f["filterName"] for f in logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]]  # fmt: skip
    assert names == ["json"]

    with pytest.raises(ClientError) as e:
        logs.put_subscription_filter(
            logGroupName=group + "-x", filterName="f", filterPattern="", destinationArn=DEST
        )
    assert error(e) == ("ResourceNotFoundException", "The specified log group does not exist.")


def transformation(name: str, namespace: str = "App") -> list[dict]:
    return [{"metricName": name, "metricNamespace": namespace, "metricValue": "1"}]


def test_metric_filters(logs, group):
    logs.put_metric_filter(
        logGroupName=group,
        filterName="5xx",
        filterPattern="[ip, user, ..., status = 5*, bytes]",
        metricTransformations=transformation("ServerErrors"),
    )
    logs.put_metric_filter(
        logGroupName=group,
        filterName="slow",
        filterPattern="{ $.ms > 1000 }",
        metricTransformations=[
            {
                "metricName": "Slow",
                "metricNamespace": "Other",
                "metricValue": "$.ms",
                "defaultValue": 0.0,
                "unit": "Milliseconds",
            }
        ],
    )
    found = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert [f["filterName"] for f in found] == ["5xx", "slow"]
    assert found[1]["metricTransformations"][0]["unit"] == "Milliseconds"
    assert found[1]["metricTransformations"][0]["defaultValue"] == 0.0
    group_info = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert group_info["metricFilterCount"] == 2

    by_metric = logs.describe_metric_filters(metricName="Slow", metricNamespace="Other")
    assert [f["filterName"] for f in by_metric["metricFilters"] if f["logGroupName"] == group] == [
        "slow"
    ]
    by_prefix = logs.describe_metric_filters(logGroupName=group, filterNamePrefix="sl")
    assert [f["filterName"] for f in by_prefix["metricFilters"]] == ["slow"]
    paged = [
        f["filterName"]
        for p in logs.get_paginator("describe_metric_filters").paginate(
            logGroupName=group, PaginationConfig={"PageSize": 1}
        )
        for f in p["metricFilters"]
    ]
    assert paged == ["5xx", "slow"]

    with pytest.raises(ClientError) as e:
        logs.describe_metric_filters(metricName="Slow")
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        logs.put_metric_filter(
            logGroupName=group,
            filterName="bad",
            filterPattern="{ $.ms > fast }",
            metricTransformations=transformation("X"),
        )
    assert error(e) == ("InvalidParameterException", "Invalid filter pattern")

    logs.delete_metric_filter(logGroupName=group, filterName="5xx")
    with pytest.raises(ClientError) as e:
        logs.delete_metric_filter(logGroupName=group, filterName="5xx")
    assert error(e)[0] == "ResourceNotFoundException"
    assert (
        logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["metricFilterCount"] == 1
    )


def test_deleting_a_group_drops_its_filters(logs, group):
    logs.put_metric_filter(
        logGroupName=group,
        filterName="m",
        filterPattern="",
        metricTransformations=transformation("M"),
    )
    logs.put_subscription_filter(
        logGroupName=group, filterName="s", filterPattern="", destinationArn=DEST
    )
    logs.delete_log_group(logGroupName=group)
    logs.create_log_group(logGroupName=group)
    assert logs.describe_metric_filters(logGroupName=group)["metricFilters"] == []
    assert logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []
