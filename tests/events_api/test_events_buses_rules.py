"""EventBridge buses, rules, targets and validation through boto3."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def events(client_factory):
    return client_factory("events")


def code_of(call) -> str:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"]


def name(prefix: str = "r") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_default_bus_and_custom_bus_lifecycle(events):
    assert events.describe_event_bus()["Name"] == "default"
    bus = name("bus")
    arn = events.create_event_bus(Name=bus)["EventBusArn"]
    assert arn.endswith(f":event-bus/{bus}")
    assert code_of(lambda: events.create_event_bus(Name=bus)) == "ResourceAlreadyExistsException"
    assert events.describe_event_bus(Name=arn)["Name"] == bus
    listed = [b["Name"] for b in events.list_event_buses(NamePrefix=bus)["EventBuses"]]
    assert listed == [bus]
    assert code_of(lambda: events.delete_event_bus(Name="default")) == "ValidationException"
    events.delete_event_bus(Name=bus)
    assert code_of(lambda: events.describe_event_bus(Name=bus)) == "ResourceNotFoundException"


def test_rule_lifecycle_and_listing(events):
    prefix = name("lst")
    pattern = json.dumps({"source": ["my.app"]})
    for i in range(3):
        events.put_rule(Name=f"{prefix}-{i}", EventPattern=pattern)
    page = events.list_rules(NamePrefix=prefix, Limit=2)
    assert [r["Name"] for r in page["Rules"]] == [f"{prefix}-0", f"{prefix}-1"]
    rest = events.list_rules(NamePrefix=prefix, Limit=2, NextToken=page["NextToken"])
    assert [r["Name"] for r in rest["Rules"]] == [f"{prefix}-2"]
    events.disable_rule(Name=f"{prefix}-0")
    described = events.describe_rule(Name=f"{prefix}-0")
    assert described["State"] == "DISABLED" and json.loads(described["EventPattern"]) == {
        "source": ["my.app"]
    }
    events.enable_rule(Name=f"{prefix}-0")
    assert events.describe_rule(Name=f"{prefix}-0")["State"] == "ENABLED"
    events.delete_rule(Name=f"{prefix}-0")
    assert code_of(lambda: events.describe_rule(Name=f"{prefix}-0")) == "ResourceNotFoundException"


def test_rule_validation_errors(events):
    assert code_of(lambda: events.put_rule(Name=name())) == "ValidationException"
    bad = json.dumps({"source": "not-a-list"})
    assert code_of(lambda: events.put_rule(Name=name(), EventPattern=bad)) == (
        "InvalidEventPatternException"
    )
    for expression in ("rate(1 minutes)", "rate(0 minutes)", "cron(0 12 * * * *)", "every day"):
        call = lambda e=expression: events.put_rule(Name=name(), ScheduleExpression=e)  # noqa: E731
        assert code_of(call) == ("ValidationException"), expression
    events.put_rule(Name=name(), ScheduleExpression="cron(0/15 8-17 ? * MON-FRI *)")
    events.put_rule(Name=name(), ScheduleExpression="rate(5 minutes)")
    bus = name("bus")
    events.create_event_bus(Name=bus)
    assert (
        code_of(
            lambda: events.put_rule(
                Name=name(), EventBusName=bus, ScheduleExpression="rate(1 hour)"
            )
        )
        == "ValidationException"
    )
    assert (
        code_of(lambda: events.put_rule(Name=name(), EventBusName="nope", EventPattern="{}"))
        == "ResourceNotFoundException"
    )


def test_targets_block_rule_deletion_and_limits(events):
    rule = name()
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["x"]}))
    queue = "arn:aws:sqs:us-east-1:000000000000:somewhere"
    out = events.put_targets(Rule=rule, Targets=[{"Id": "a", "Arn": queue}])
    assert out["FailedEntryCount"] == 0
    with pytest.raises(ClientError) as e:
        events.delete_rule(Name=rule)
    assert e.value.response["Error"]["Message"] == "Rule can't be deleted since it has targets."
    more = [{"Id": f"t{i}", "Arn": queue} for i in range(5)]
    assert code_of(lambda: events.put_targets(Rule=rule, Targets=more)) == "LimitExceededException"
    both = [{"Id": "b", "Arn": queue, "Input": "{}", "InputPath": "$.detail"}]
    assert code_of(lambda: events.put_targets(Rule=rule, Targets=both)) == "ValidationException"
    fifo = events.put_targets(
        Rule=rule, Targets=[{"Id": "f", "Arn": "arn:aws:sqs:us-east-1:000000000000:q.fifo"}]
    )
    assert fifo["FailedEntryCount"] == 1 and fifo["FailedEntries"][0]["TargetId"] == "f"
    assert [t["Id"] for t in events.list_targets_by_rule(Rule=rule)["Targets"]] == ["a"]
    assert rule in events.list_rule_names_by_target(TargetArn=queue)["RuleNames"]
    events.remove_targets(Rule=rule, Ids=["a"])
    events.delete_rule(Name=rule)


def test_put_events_per_entry_errors(events):
    out = events.put_events(
        Entries=[
            {"Source": "my.app", "DetailType": "t", "Detail": "{}"},
            {"Source": "my.app", "DetailType": "t", "Detail": "not json"},
            {"DetailType": "t", "Detail": "{}"},
            {"Source": "my.app", "DetailType": "t", "Detail": "{}", "EventBusName": "nope"},
        ]
    )
    assert out["FailedEntryCount"] == 3
    first, malformed, missing, no_bus = out["Entries"]
    assert "EventId" in first
    assert malformed["ErrorCode"] == "MalformedDetail"
    assert missing["ErrorCode"] == "InvalidArgument" and "Source" in missing["ErrorMessage"]
    assert "ErrorCode" in no_bus
    big = {"Source": "s", "DetailType": "t", "Detail": json.dumps({"x": "y" * 262144})}
    assert code_of(lambda: events.put_events(Entries=[big])) == "ValidationException"


def test_test_event_pattern(events):
    event = {
        "id": "1",
        "source": "my.app",
        "detail-type": "t",
        "account": "000000000000",
        "region": "us-east-1",
        "time": "2024-01-01T00:00:00Z",
        "resources": [],
        "detail": {"n": 5},
    }
    pattern = {"detail": {"n": [{"numeric": [">", 3]}]}}
    assert events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(event))[
        "Result"
    ]
    pattern = {"detail": {"n": [{"numeric": [">", 9]}]}}
    assert not events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(event))[
        "Result"
    ]
    assert (
        code_of(lambda: events.test_event_pattern(EventPattern="[", Event=json.dumps(event)))
        == "InvalidEventPatternException"
    )


def test_tags(events):
    rule = name()
    arn = events.put_rule(
        Name=rule, EventPattern=json.dumps({"source": ["t"]}), Tags=[{"Key": "a", "Value": "1"}]
    )["RuleArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "b", "Value": "2"}])
    events.untag_resource(ResourceARN=arn, TagKeys=["a"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
