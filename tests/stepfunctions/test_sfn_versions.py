"""Versions and aliases: publish, list, route executions, delete rules."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import ROLE, unique, wait_status


def machine(result: str) -> str:
    return json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": result, "End": True}}}
    )


def test_publish_versions_and_run_them(sfn):
    created = sfn.create_state_machine(
        name=unique(), definition=machine("v1"), roleArn=ROLE, publish=True
    )
    arn = created["stateMachineArn"]
    v1 = created["stateMachineVersionArn"]
    assert v1 == f"{arn}:1"
    # Publishing the same revision again gives the same version.
    assert sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"] == v1

    updated = sfn.update_state_machine(stateMachineArn=arn, definition=machine("v2"), publish=True)
    v2 = updated["stateMachineVersionArn"]
    assert v2 == f"{arn}:2"
    with pytest.raises(ClientError) as e:
        sfn.publish_state_machine_version(stateMachineArn=arn, revisionId="stale")
    assert e.value.response["Error"]["Code"] == "ConflictException"

    versions = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in versions] == [v2, v1]
    assert (
        json.loads(sfn.describe_state_machine(stateMachineArn=v1)["definition"])["States"]["A"][
            "Result"
        ]
        == "v1"
    )

    run = sfn.start_execution(stateMachineArn=v1)["executionArn"]
    out = wait_status(sfn, run)
    assert out["status"] == "SUCCEEDED"
    assert json.loads(out["output"]) == "v1"
    assert out["stateMachineVersionArn"] == v1
    for_run = sfn.describe_state_machine_for_execution(executionArn=run)
    assert json.loads(for_run["definition"])["States"]["A"]["Result"] == "v1"
    listed = sfn.list_executions(stateMachineArn=v1)["executions"]
    assert [x["executionArn"] for x in listed] == [run]

    latest = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert json.loads(wait_status(sfn, latest)["output"]) == "v2"

    sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    versions = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in versions] == [v2]


def test_aliases(sfn):
    created = sfn.create_state_machine(
        name=unique(), definition=machine("one"), roleArn=ROLE, publish=True
    )
    arn, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
    v2 = sfn.update_state_machine(stateMachineArn=arn, definition=machine("two"), publish=True)[
        "stateMachineVersionArn"
    ]
    alias = sfn.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}]
    )["stateMachineAliasArn"]
    assert alias == f"{arn}:live"
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert described["name"] == "live"
    assert described["routingConfiguration"] == [{"stateMachineVersionArn": v1, "weight": 100}]

    run = sfn.start_execution(stateMachineArn=alias)["executionArn"]
    out = wait_status(sfn, run)
    assert json.loads(out["output"]) == "one"
    assert out["stateMachineAliasArn"] == alias
    assert out["stateMachineVersionArn"] == v1

    sfn.update_state_machine_alias(
        stateMachineAliasArn=alias,
        routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}],
    )
    run = sfn.start_execution(stateMachineArn=alias)["executionArn"]
    assert json.loads(wait_status(sfn, run)["output"]) == "two"

    aliases = sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in aliases] == [alias]

    with pytest.raises(ClientError) as e:
        sfn.delete_state_machine_version(stateMachineVersionArn=v2)
    assert e.value.response["Error"]["Code"] == "ConflictException"

    with pytest.raises(ClientError) as e:
        sfn.create_state_machine_alias(
            name="bad", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 50}]
        )
    assert e.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine_alias(
            name="gone",
            routingConfiguration=[{"stateMachineVersionArn": f"{arn}:99", "weight": 100}],
        )
    assert e.value.response["Error"]["Code"] == "ResourceNotFound"

    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    with pytest.raises(ClientError) as e:
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert e.value.response["Error"]["Code"] == "ResourceNotFound"
    sfn.delete_state_machine_version(stateMachineVersionArn=v2)
