"""Resource policies: AddPermission, RemovePermission and GetPolicy as AWS renders them, and
the decision other services ask for before they invoke a function."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from strato.services.lambda_.permissions import may_invoke, render_statement

ACCOUNT = "000000000000"
CODE = {"app.py": "def handler(event, context):\n    return event\n"}


def error_of(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def test_permission_for_a_service_renders_policy_like_aws(lam, create_function):
    name = create_function(CODE)
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"
    code, message = error_of(lambda: lam.get_policy(FunctionName=name))
    assert (code, message) == (
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
    )
    before = lam.get_function(FunctionName=name)["Configuration"]["RevisionId"]

    out = lam.add_permission(
        FunctionName=name,
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::my-bucket",
        SourceAccount="123456789012",
    )
    statement = (
        '{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},'
        f'"Action":"lambda:InvokeFunction","Resource":"{arn}",'
        '"Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},'
        '"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::my-bucket"}}}'
    )
    assert out["Statement"] == statement
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201

    policy = lam.get_policy(FunctionName=name)
    assert (
        policy["Policy"]
        == '{"Version":"2012-10-17","Id":"default","Statement":[' + statement + "]}"
    )
    revision = lam.get_function(FunctionName=name)["Configuration"]["RevisionId"]
    assert policy["RevisionId"] == revision != before  # the policy's revision is the function's


def test_principal_forms_and_conditions(lam, create_function):
    name = create_function(CODE)
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"
    role = "arn:aws:iam::111122223333:role/caller"
    lam.add_permission(
        FunctionName=name,
        StatementId="account",
        Action="lambda:InvokeFunction",
        Principal="111122223333",
    )
    lam.add_permission(
        FunctionName=name, StatementId="role", Action="lambda:GetFunction", Principal=role
    )
    lam.add_permission(
        FunctionName=name,
        StatementId="org",
        Action="lambda:InvokeFunction",
        Principal="*",
        PrincipalOrgID="o-a1b2c3d4e5",
    )
    lam.add_permission(
        FunctionName=name,
        StatementId="url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    lam.add_permission(
        FunctionName=name,
        StatementId="rule",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn="arn:aws:events:us-east-1:000000000000:rule/r",
    )
    statements = json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"]
    assert statements == [
        {
            "Sid": "account",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "lambda:InvokeFunction",
            "Resource": arn,
        },
        {
            "Sid": "role",
            "Effect": "Allow",
            "Principal": {"AWS": role},
            "Action": "lambda:GetFunction",
            "Resource": arn,
        },
        {
            "Sid": "org",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "lambda:InvokeFunction",
            "Resource": arn,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        },
        {
            "Sid": "url",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "lambda:InvokeFunctionUrl",
            "Resource": arn,
            "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
        },
        {
            "Sid": "rule",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": arn,
            "Condition": {
                "ArnLike": {"AWS:SourceArn": "arn:aws:events:us-east-1:000000000000:rule/r"}
            },
        },
    ]

    lam.remove_permission(FunctionName=name, StatementId="role")
    assert [
        s["Sid"] for s in json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"]
    ] == ["account", "org", "url", "rule"]
    for sid in ("account", "org", "url", "rule"):
        lam.remove_permission(FunctionName=name, StatementId=sid)
    assert error_of(lambda: lam.get_policy(FunctionName=name))[0] == "ResourceNotFoundException"


def test_permission_errors(lam, create_function):
    name = create_function(CODE)
    add = dict(
        FunctionName=name,
        StatementId="dup",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
    )
    lam.add_permission(**add)
    assert error_of(lambda: lam.add_permission(**add)) == (
        "ResourceConflictException",
        "The statement id (dup) provided already exists. Please provide a new statement id, or remove the existing statement.",
    )
    assert error_of(lambda: lam.remove_permission(FunctionName=name, StatementId="nope")) == (
        "ResourceNotFoundException",
        "Statement nope is not found in resource policy.",
    )
    assert error_of(
        lambda: lam.add_permission(**{**add, "StatementId": "x", "Qualifier": "$LATEST"})
    ) == (
        "InvalidParameterValueException",
        "We currently do not support adding policies for $LATEST.",
    )
    assert (
        error_of(
            lambda: lam.add_permission(
                **{**add, "StatementId": "x", "Principal": "not a principal"}
            )
        )[0]
        == "InvalidParameterValueException"
    )
    assert (
        error_of(lambda: lam.add_permission(**{**add, "StatementId": "bad id!"}))[0]
        == "ValidationException"
    )
    assert (
        error_of(lambda: lam.add_permission(**{**add, "StatementId": "x", "RevisionId": "stale"}))[
            0
        ]
        == "PreconditionFailedException"
    )
    code, message = error_of(
        lambda: lam.add_permission(**{**add, "StatementId": "x", "Qualifier": "no-such-alias"})
    )
    assert code == "ResourceNotFoundException" and message.startswith("Cannot find alias arn:")
    assert (
        error_of(lambda: lam.add_permission(**{**add, "FunctionName": "no-such-fn"}))[0]
        == "ResourceNotFoundException"
    )
    # The current revision is accepted, and removing with it works too.
    revision = lam.get_policy(FunctionName=name)["RevisionId"]
    lam.add_permission(**{**add, "StatementId": "y", "RevisionId": revision})
    revision = lam.get_policy(FunctionName=name)["RevisionId"]
    lam.remove_permission(FunctionName=name, StatementId="y", RevisionId=revision)


def test_qualifier_targets_an_alias_or_version_policy(lam, create_function):
    name = create_function(CODE)
    version = lam.publish_version(FunctionName=name)["Version"]
    alias_revision = lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)[
        "RevisionId"
    ]
    out = lam.add_permission(
        FunctionName=name,
        Qualifier="live",
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    assert (
        json.loads(out["Statement"])["Resource"]
        == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}:live"
    )
    lam.add_permission(
        FunctionName=f"{name}:{version}",
        StatementId="v",
        Action="lambda:InvokeFunction",
        Principal="111122223333",
    )

    alias_policy = lam.get_policy(FunctionName=name, Qualifier="live")
    assert [s["Sid"] for s in json.loads(alias_policy["Policy"])["Statement"]] == ["apigw"]
    assert (
        alias_policy["RevisionId"]
        == lam.get_alias(FunctionName=name, Name="live")["RevisionId"]
        != alias_revision
    )
    version_policy = json.loads(lam.get_policy(FunctionName=name, Qualifier=version)["Policy"])
    assert version_policy["Statement"][0]["Resource"].endswith(f":{name}:{version}")
    assert error_of(lambda: lam.get_policy(FunctionName=name))[0] == "ResourceNotFoundException"
    lam.remove_permission(FunctionName=name, Qualifier="live", StatementId="apigw")
    assert (
        error_of(lambda: lam.get_policy(FunctionName=name, Qualifier="live"))[0]
        == "ResourceNotFoundException"
    )


# -- the decision other services ask for: table-driven over rendered statements --------
FN = dict(account_id=ACCOUNT, region="us-east-1", name="fn")
FN_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn"


def _policies(*adds: dict, qualifier: str = "$LATEST") -> dict:
    resource = FN_ARN if qualifier == "$LATEST" else f"{FN_ARN}:{qualifier}"
    return {
        qualifier: [
            render_statement({"Action": "lambda:InvokeFunction", **a}, resource) for a in adds
        ]
    }


S3_FROM_BUCKET = _policies(
    {
        "StatementId": "s3",
        "Principal": "s3.amazonaws.com",
        "SourceArn": "arn:aws:s3:::uploads",
        "SourceAccount": ACCOUNT,
    }
)


@pytest.mark.parametrize(
    "policies,qualifier,principal,service,source_arn,source_account,allowed",
    [
        (
            {},
            None,
            f"arn:aws:iam::{ACCOUNT}:user/me",
            None,
            None,
            None,
            True,
        ),  # own account, direct
        ({}, None, ACCOUNT, None, None, None, True),
        ({}, None, None, "s3.amazonaws.com", "arn:aws:s3:::uploads", ACCOUNT, False),  # no policy
        (S3_FROM_BUCKET, None, None, "s3.amazonaws.com", "arn:aws:s3:::uploads", ACCOUNT, True),
        (S3_FROM_BUCKET, None, None, "s3.amazonaws.com", "arn:aws:s3:::other", ACCOUNT, False),
        (
            S3_FROM_BUCKET,
            None,
            None,
            "s3.amazonaws.com",
            "arn:aws:s3:::uploads",
            "999999999999",
            False,
        ),
        (S3_FROM_BUCKET, None, None, "sns.amazonaws.com", "arn:aws:s3:::uploads", ACCOUNT, False),
        (
            S3_FROM_BUCKET,
            "live",
            None,
            "s3.amazonaws.com",
            "arn:aws:s3:::uploads",
            ACCOUNT,
            False,
        ),  # alias needs its own
        (
            _policies({"StatementId": "a", "Principal": "s3.amazonaws.com"}, qualifier="live"),
            "live",
            None,
            "s3.amazonaws.com",
            "arn:aws:s3:::any",
            ACCOUNT,
            True,
        ),
        (
            _policies({"StatementId": "x", "Principal": "111122223333"}),
            None,
            "arn:aws:iam::111122223333:role/r",
            None,
            None,
            None,
            True,
        ),
        (
            _policies({"StatementId": "x", "Principal": "111122223333"}),
            None,
            "arn:aws:iam::444455556666:role/r",
            None,
            None,
            None,
            False,
        ),
        (
            _policies({"StatementId": "x", "Principal": "*"}),
            None,
            None,
            None,
            None,
            None,
            True,
        ),  # anonymous
        (
            _policies({"StatementId": "x", "Principal": "*", "PrincipalOrgID": "o-a1b2c3d4e5"}),
            None,
            "arn:aws:iam::444455556666:role/r",
            None,
            None,
            None,
            False,
        ),
        (
            _policies(
                {
                    "StatementId": "x",
                    "Principal": "events.amazonaws.com",
                    "SourceArn": "arn:aws:events:us-east-1:000000000000:rule/*",
                }
            ),
            None,
            None,
            "events.amazonaws.com",
            "arn:aws:events:us-east-1:000000000000:rule/nightly",
            None,
            True,
        ),
    ],
)
def test_may_invoke(policies, qualifier, principal, service, source_arn, source_account, allowed):
    assert (
        may_invoke(
            policies,
            qualifier=qualifier,
            principal=principal,
            service=service,
            source_arn=source_arn,
            source_account=source_account,
            **FN,
        )
        is allowed
    )
