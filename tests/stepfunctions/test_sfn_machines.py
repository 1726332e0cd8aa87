"""State machines through boto3: create, describe, list, update, delete, validate, tags."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import ROLE, create_machine, unique

PASS = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def error_of(excinfo) -> tuple[str, str]:
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def test_create_describe_list_delete(sfn):
    name = unique()
    out = sfn.create_state_machine(
        name=name, definition=json.dumps(PASS), roleArn=ROLE, tags=[{"key": "team", "value": "a"}]
    )
    arn = out["stateMachineArn"]
    assert arn == f"arn:aws:states:us-east-1:000000000000:stateMachine:{name}"
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["name"] == name
    assert described["status"] == "ACTIVE"
    assert described["type"] == "STANDARD"
    assert json.loads(described["definition"]) == PASS
    assert described["roleArn"] == ROLE
    assert described["loggingConfiguration"]["level"] == "OFF"
    assert described["revisionId"]

    listed = [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]]
    assert arn in listed
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "a"}]

    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(ClientError) as e:
        sfn.describe_state_machine(stateMachineArn=arn)
    assert error_of(e) == ("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
    sfn.delete_state_machine(stateMachineArn=arn)  # deleting twice is not an error


def test_create_is_idempotent_for_the_same_definition(sfn):
    name = unique()
    first = sfn.create_state_machine(name=name, definition=json.dumps(PASS), roleArn=ROLE)
    again = sfn.create_state_machine(name=name, definition=json.dumps(PASS), roleArn=ROLE)
    assert again["stateMachineArn"] == first["stateMachineArn"]
    other = {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=name, definition=json.dumps(other), roleArn=ROLE)
    code, message = error_of(e)
    assert code == "StateMachineAlreadyExists"
    assert first["stateMachineArn"] in message


@pytest.mark.parametrize(
    "definition, fragment",
    [
        ("not json", "INVALID_JSON_DESCRIPTION"),
        (json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}), "A"),
        (json.dumps({"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": True}}}), "Nope"),
        (
            json.dumps({"StartAt": "A", "States": {"A": {"Type": "Bogus", "End": True}}}),
            "/States/A/Type",
        ),
    ],
)
def test_invalid_definitions_are_refused(sfn, definition, fragment):
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=unique(), definition=definition, roleArn=ROLE)
    code, message = error_of(e)
    assert code == "InvalidDefinition"
    assert message.startswith("Invalid State Machine Definition:")
    assert fragment in message


@pytest.mark.parametrize("name", ["has space", "a/b", "x" * 81, "star*", "semi;colon"])
def test_invalid_names(sfn, name):
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=name, definition=json.dumps(PASS), roleArn=ROLE)
    assert error_of(e) == ("InvalidName", f"Invalid Name: '{name}'")


@pytest.mark.parametrize("role", ["not-an-arn", "arn:aws:s3:::bucket"])
def test_invalid_role_arn(sfn, role):
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=unique(), definition=json.dumps(PASS), roleArn=role)
    code, message = error_of(e)
    assert code == "InvalidArn"
    assert message.startswith("Invalid Arn:")


def test_describe_with_a_malformed_arn(sfn):
    with pytest.raises(ClientError) as e:
        sfn.describe_state_machine(stateMachineArn="nonsense")
    assert error_of(e)[0] == "InvalidArn"


def test_update_changes_definition_and_revision(sfn):
    arn = create_machine(sfn, PASS)
    before = sfn.describe_state_machine(stateMachineArn=arn)
    new = {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 1, "End": True}}}
    out = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(new))
    assert out["revisionId"] != before["revisionId"]
    after = sfn.describe_state_machine(stateMachineArn=arn)
    assert json.loads(after["definition"]) == new
    assert after["revisionId"] == out["revisionId"]

    with pytest.raises(ClientError) as e:
        sfn.update_state_machine(stateMachineArn=arn, definition="{}")
    assert error_of(e)[0] == "InvalidDefinition"
    with pytest.raises(ClientError) as e:
        sfn.update_state_machine(stateMachineArn=arn)
    assert error_of(e)[0] == "MissingRequiredParameter"
    missing = arn + "-gone"
    with pytest.raises(ClientError) as e:
        sfn.update_state_machine(stateMachineArn=missing, definition=json.dumps(PASS))
    assert error_of(e)[0] == "StateMachineDoesNotExist"


def test_list_state_machines_pages(sfn):
    arns = {create_machine(sfn, PASS) for _ in range(3)}
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"maxResults": 2, **({"nextToken": token} if token else {})}
        out = sfn.list_state_machines(**kwargs)
        assert len(out["stateMachines"]) <= 2
        seen += [m["stateMachineArn"] for m in out["stateMachines"]]
        pages += 1
        token = out.get("nextToken")
        if not token:
            break
    assert arns <= set(seen)
    assert len(seen) == len(set(seen))
    assert pages >= 2
    with pytest.raises(ClientError) as e:
        sfn.list_state_machines(nextToken="garbage")
    assert error_of(e)[0] == "InvalidToken"


def test_validate_state_machine_definition(sfn):
    ok = sfn.validate_state_machine_definition(definition=json.dumps(PASS))
    assert ok["result"] == "OK"
    assert ok["diagnostics"] == []
    bad = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}
    out = sfn.validate_state_machine_definition(definition=json.dumps(bad))
    assert out["result"] == "FAIL"
    [diag] = out["diagnostics"]
    assert diag["severity"] == "ERROR"
    assert diag["code"] == "MISSING_TRANSITION_TARGET"
    assert diag["location"] == "/States/A/Next"


def test_tags(sfn):
    arn = create_machine(sfn, PASS)
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
    sfn.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "b", "value": "2"}]
    with pytest.raises(ClientError) as e:
        sfn.tag_resource(resourceArn=arn + "-gone", tags=[{"key": "a", "value": "1"}])
    assert error_of(e)[0] == "ResourceNotFound"
    with pytest.raises(ClientError) as e:
        sfn.tag_resource(resourceArn=arn, tags=[{"key": f"k{i}", "value": "v"} for i in range(60)])
    assert error_of(e)[0] == "TooManyTags"
