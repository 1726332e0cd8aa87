"""Metric alarms through boto3: stored, described, set, tagged, deleted (no evaluation yet)."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def alarm_name() -> str:
    return f"alarm-{uuid.uuid4().hex[:10]}"


def _alarm(cw, name, **extra):
    params = dict(
        AlarmName=name,
        MetricName="Errors",
        Namespace="App",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=3,
        DatapointsToAlarm=2,
        Threshold=5.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        Dimensions=[{"Name": "FunctionName", "Value": "f"}],
        AlarmActions=["arn:aws:sns:us-east-1:000000000000:ops"],
        TreatMissingData="notBreaching",
    )
    params.update(extra)
    cw.put_metric_alarm(**params)


def test_alarm_lifecycle(cw, alarm_name):
    _alarm(cw, alarm_name, Tags=[{"Key": "team", "Value": "core"}])
    (alarm,) = cw.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    assert alarm["AlarmArn"].endswith(f":alarm:{alarm_name}")
    assert alarm["AlarmArn"].startswith("arn:aws:cloudwatch:us-east-1:")
    assert (alarm["Threshold"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (
        5.0,
        3,
        2,
    )
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": "f"}]
    assert alarm["ActionsEnabled"] is True

    # an update keeps the state and changes the configuration
    cw.set_alarm_state(
        AlarmName=alarm_name,
        StateValue="ALARM",
        StateReason="by hand",
        StateReasonData=json.dumps({"why": "test"}),
    )
    _alarm(cw, alarm_name, Threshold=9.0)
    (alarm,) = cw.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    assert (alarm["StateValue"], alarm["StateReason"], alarm["Threshold"]) == (
        "ALARM",
        "by hand",
        9.0,
    )
    assert [
        a["AlarmName"] for a in cw.describe_alarms(AlarmNamePrefix=alarm_name)["MetricAlarms"]
    ] == [alarm_name]
    in_alarm = cw.describe_alarms(StateValue="ALARM")["MetricAlarms"]
    assert alarm_name in [a["AlarmName"] for a in in_alarm]
    by_action = cw.describe_alarms(ActionPrefix="arn:aws:sns:us-east-1:000000000000:o")
    assert alarm_name in [a["AlarmName"] for a in by_action["MetricAlarms"]]
    for_metric = cw.describe_alarms_for_metric(
        MetricName="Errors", Namespace="App", Dimensions=[{"Name": "FunctionName", "Value": "f"}]
    )["MetricAlarms"]
    assert alarm_name in [a["AlarmName"] for a in for_metric]

    cw.disable_alarm_actions(AlarmNames=[alarm_name])
    assert cw.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"][0]["ActionsEnabled"] is False

    history = cw.describe_alarm_history(AlarmName=alarm_name)["AlarmHistoryItems"]
    assert [h["HistoryItemType"] for h in history] == [
        "ConfigurationUpdate",
        "StateUpdate",
        "ConfigurationUpdate",
    ]
    state = cw.describe_alarm_history(AlarmName=alarm_name, HistoryItemType="StateUpdate")
    (item,) = state["AlarmHistoryItems"]
    assert item["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM"
    assert json.loads(item["HistoryData"])["newState"]["stateValue"] == "ALARM"

    arn = alarm["AlarmArn"]
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "core"}]
    cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "dev"}])
    cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]

    cw.delete_alarms(AlarmNames=[alarm_name])
    assert cw.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"] == []
    with pytest.raises(ClientError) as e:
        cw.list_tags_for_resource(ResourceARN=arn)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_describe_alarms_pages(cw):
    prefix = f"page-{uuid.uuid4().hex[:8]}-"
    for i in range(5):
        _alarm(cw, f"{prefix}{i}")
    first = cw.describe_alarms(AlarmNamePrefix=prefix, MaxRecords=2)
    assert [a["AlarmName"] for a in first["MetricAlarms"]] == [f"{prefix}0", f"{prefix}1"]
    names = [
        a["AlarmName"]
        for page in cw.get_paginator("describe_alarms").paginate(
            AlarmNamePrefix=prefix, PaginationConfig={"PageSize": 2}
        )
        for a in page["MetricAlarms"]
    ]
    assert names == [f"{prefix}{i}" for i in range(5)]


def test_alarm_errors(cw, alarm_name):
    def code_of(call, **kw):
        with pytest.raises(ClientError) as e:
            call(**kw)
        return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"][
            "HTTPStatusCode"
        ]

    assert code_of(cw.set_alarm_state, AlarmName=alarm_name, StateValue="OK", StateReason="x") == (
        "ResourceNotFound",
        404,
    )
    assert code_of(cw.delete_alarms, AlarmNames=[alarm_name]) == ("ResourceNotFound", 404)
    assert code_of(
        cw.put_metric_alarm,
        AlarmName=alarm_name,
        MetricName="M",
        Namespace="N",
        Statistic="Sum",
        ExtendedStatistic="p99",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    ) == ("InvalidParameterCombination", 400)
    assert code_of(
        cw.put_metric_alarm,
        AlarmName=alarm_name,
        MetricName="M",
        Namespace="N",
        Statistic="Sum",
        Period=61,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    ) == ("InvalidParameterValue", 400)
    assert code_of(
        cw.put_metric_alarm,
        AlarmName=alarm_name,
        MetricName="M",
        Namespace="N",
        Statistic="Sum",
        Period=60,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    ) == ("MissingParameter", 400)
    _alarm(cw, alarm_name)
    assert code_of(
        cw.set_alarm_state,
        AlarmName=alarm_name,
        StateValue="OK",
        StateReason="x",
        StateReasonData="{not json",
    ) == ("InvalidFormat", 400)
    cw.delete_alarms(AlarmNames=[alarm_name])
