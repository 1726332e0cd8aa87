"""Table-driven checks of the IAM policy evaluator against AWS's documented rules."""

from __future__ import annotations

import pytest

from strato.auth.policy import (
    ALLOW,
    DENY,
    NOT_APPLICABLE,
    MalformedPolicy,
    Request,
    evaluate,
    parse,
)

BOB = "arn:aws:iam::111111111111:user/bob"


def req(
    action="s3:GetObject",
    resource="arn:aws:s3:::b/k",
    principal=BOB,
    account="111111111111",
    **context,
):
    return Request(principal, account, action, resource, context)


def stmt(effect="Allow", **fields):
    return {"Effect": effect, **fields}


CASES = [
    # (statements, request, decision)
    ([stmt(Principal="*", Action="s3:GetObject", Resource="arn:aws:s3:::b/*")], req(), ALLOW),
    ([stmt(Principal="*", Action="s3:Get*", Resource="arn:aws:s3:::b/*")], req(), ALLOW),
    ([stmt(Principal="*", Action="S3:getobject", Resource="arn:aws:s3:::b/*")], req(), ALLOW),
    (
        [stmt(Principal="*", Action="s3:PutObject", Resource="arn:aws:s3:::b/*")],
        req(),
        NOT_APPLICABLE,
    ),
    ([stmt(Principal="*", Action="s3:*", Resource="arn:aws:s3:::other/*")], req(), NOT_APPLICABLE),
    ([stmt(Principal={"AWS": "111111111111"}, Action="s3:*", Resource="*")], req(), ALLOW),
    (
        [stmt(Principal={"AWS": "arn:aws:iam::111111111111:root"}, Action="s3:*", Resource="*")],
        req(),
        ALLOW,
    ),
    (
        [stmt(Principal={"AWS": ["arn:aws:iam::222222222222:root"]}, Action="s3:*", Resource="*")],
        req(),
        NOT_APPLICABLE,
    ),
    ([stmt(Principal={"AWS": BOB}, Action="s3:*", Resource="*")], req(), ALLOW),
    (
        [
            stmt(
                Principal={"AWS": "arn:aws:iam::111111111111:user/alice"},
                Action="s3:*",
                Resource="*",
            )
        ],
        req(),
        NOT_APPLICABLE,
    ),
    # An explicit deny beats any allow.
    (
        [
            stmt(Principal="*", Action="s3:*", Resource="*"),
            stmt("Deny", Principal="*", Action="s3:GetObject", Resource="*"),
        ],
        req(),
        DENY,
    ),
    ([stmt(Principal="*", NotAction="s3:DeleteObject", Resource="*")], req(), ALLOW),
    ([stmt(Principal="*", NotAction="s3:Get*", Resource="*")], req(), NOT_APPLICABLE),
    (
        [stmt(Principal="*", Action="s3:*", NotResource="arn:aws:s3:::b/secret/*")],
        req(resource="arn:aws:s3:::b/secret/x"),
        NOT_APPLICABLE,
    ),
    ([stmt("Deny", NotPrincipal={"AWS": BOB}, Action="s3:*", Resource="*")], req(), NOT_APPLICABLE),
    (
        [stmt(Principal="*", Action="s3:GetObject", Resource="arn:aws:s3:::b/k?")],
        req(resource="arn:aws:s3:::b/k1"),
        ALLOW,
    ),
    # Conditions.
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"StringEquals": {"aws:PrincipalAccount": "111111111111"}},
            )
        ],
        req(**{"aws:PrincipalAccount": "111111111111"}),
        ALLOW,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"StringEquals": {"aws:PrincipalAccount": ["999", "888"]}},
            )
        ],
        req(**{"aws:PrincipalAccount": "111111111111"}),
        NOT_APPLICABLE,
    ),
    (
        [
            stmt(
                Principal={"Service": "sns.amazonaws.com"},
                Action="sqs:SendMessage",
                Resource="*",
                Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111111111111:orders-*"}},
            )
        ],
        Request(
            "*",
            "",
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111111111111:q",
            {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:orders-new"},
            "sns.amazonaws.com",
        ),
        ALLOW,
    ),
    (
        [
            stmt(
                Principal={"Service": "sns.amazonaws.com"},
                Action="sqs:SendMessage",
                Resource="*",
                Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:a"}},
            )
        ],
        Request(
            "*",
            "",
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111111111111:q",
            {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:b"},
            "sns.amazonaws.com",
        ),
        NOT_APPLICABLE,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"StringLike": {"s3:prefix": ["home/*"]}},
            )
        ],
        req(**{"s3:prefix": "home/bob/"}),
        ALLOW,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"StringLike": {"s3:prefix": ["home/*"]}},
            )
        ],
        req(**{"s3:prefix": "etc/"}),
        NOT_APPLICABLE,
    ),
    # A missing key fails a positive test, passes a negated one, and IfExists forgives it.
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"StringEquals": {"s3:prefix": "a"}},
            )
        ],
        req(),
        NOT_APPLICABLE,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"StringNotEquals": {"s3:prefix": "a"}},
            )
        ],
        req(),
        ALLOW,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"StringEqualsIfExists": {"s3:prefix": "a"}},
            )
        ],
        req(),
        ALLOW,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"Null": {"s3:prefix": "true"}},
            )
        ],
        req(),
        ALLOW,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"Bool": {"aws:SecureTransport": "false"}},
            )
        ],
        req(**{"aws:SecureTransport": "false"}),
        ALLOW,
    ),
    (
        [
            stmt(
                "Deny",
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"Bool": {"aws:SecureTransport": "false"}},
            )
        ],
        req(**{"aws:SecureTransport": "true"}),
        NOT_APPLICABLE,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"NumericLessThanEquals": {"s3:max-keys": "10"}},
            )
        ],
        req(**{"s3:max-keys": 5}),
        ALLOW,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"NumericLessThanEquals": {"s3:max-keys": "10"}},
            )
        ],
        req(**{"s3:max-keys": 50}),
        NOT_APPLICABLE,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
            )
        ],
        req(**{"aws:SourceIp": "127.0.0.1"}),
        ALLOW,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
            )
        ],
        req(**{"aws:TagKeys": ["team", "env"]}),
        ALLOW,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
            )
        ],
        req(**{"aws:TagKeys": ["team", "env"]}),
        NOT_APPLICABLE,
    ),
    (
        [
            stmt(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"SomeFutureOperator": {"k": "v"}},
            )
        ],
        req(k="v"),
        NOT_APPLICABLE,
    ),
]


@pytest.mark.parametrize("statements,request_,decision", CASES)
def test_evaluation(statements, request_, decision):
    assert evaluate(statements, request_) == decision


@pytest.mark.parametrize(
    "document,message",
    [
        ("not json", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"Version": "2012-10-17"}', "Statement"),
        ('{"Statement": [{"Effect": "Maybe", "Action": "*"}]}', "Effect"),
        ('{"Statement": {"Effect": "Allow"}}', "Action"),
    ],
)
def test_malformed_documents(document, message):
    with pytest.raises(MalformedPolicy, match=message):
        parse(document)
