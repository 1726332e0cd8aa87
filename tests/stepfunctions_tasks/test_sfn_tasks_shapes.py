"""Parameters and results between Step Functions' JSON and provider values, by botocore shapes."""

from __future__ import annotations

import datetime as dt

import pytest

from strato.protocol import load_service_model
from strato.services.stepfunctions.tasks_shapes import (
    UnknownField,
    sdk_result,
    to_params,
    wire_params,
    wire_result,
)

LOGS = load_service_model("logs")
S3 = load_service_model("s3")
DDB = load_service_model("dynamodb")


def input_of(model, op):
    return model.operation_model(op).input_shape


def output_of(model, op):
    return model.operation_model(op).output_shape


@pytest.mark.parametrize(
    ("model", "op", "given", "expected"),
    [
        # camelCase members are written in PascalCase, and their own spelling works too
        (LOGS, "CreateLogGroup", {"LogGroupName": "g"}, {"logGroupName": "g"}),
        (LOGS, "CreateLogGroup", {"logGroupName": "g"}, {"logGroupName": "g"}),
        (
            LOGS,
            "PutLogEvents",
            {
                "LogGroupName": "g",
                "LogStreamName": "s",
                "LogEvents": [{"Timestamp": 1, "Message": "m"}],
            },
            {
                "logGroupName": "g",
                "logStreamName": "s",
                "logEvents": [{"timestamp": 1, "message": "m"}],
            },
        ),
        # blobs: text as UTF-8, JSON values as their JSON text
        (
            S3,
            "PutObject",
            {"Bucket": "b", "Key": "k", "Body": "hé"},
            {"Bucket": "b", "Key": "k", "Body": "hé".encode()},
        ),
        (
            S3,
            "PutObject",
            {"Bucket": "b", "Key": "k", "Body": {"a": 1}},
            {"Bucket": "b", "Key": "k", "Body": b'{"a":1}'},
        ),
        # maps keep their keys as given
        (
            S3,
            "PutObject",
            {"Bucket": "b", "Key": "k", "Metadata": {"x-y": "1"}},
            {"Bucket": "b", "Key": "k", "Metadata": {"x-y": "1"}},
        ),
    ],
)
def test_to_params(model, op, given, expected):
    assert to_params(input_of(model, op), given) == expected


@pytest.mark.parametrize(
    "given",
    ["2026-01-02T03:04:05Z", "2026-01-02T03:04:05+00:00", 1767323045, "1767323045"],
)
def test_timestamps_in_any_form(given):
    params = to_params(input_of(S3, "PutObject"), {"Bucket": "b", "Key": "k", "Expires": given})
    assert params["Expires"] == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_unknown_fields_are_reported_with_their_path():
    with pytest.raises(UnknownField) as info:
        to_params(input_of(LOGS, "PutLogEvents"), {"LogEvents": [{"Timestamp": 1, "Msg": "m"}]})
    assert info.value.path == "LogEvents[0].Msg"


def test_sdk_results_are_pascal_case_with_iso_dates_and_text_blobs():
    shape = output_of(LOGS, "DescribeLogGroups")
    out = sdk_result(
        shape, {"logGroups": [{"logGroupName": "g", "creationTime": 5}], "_status": 200}
    )
    assert out == {"LogGroups": [{"LogGroupName": "g", "CreationTime": 5}]}
    got = sdk_result(
        output_of(S3, "GetObject"),
        {
            "Body": b"hello",
            "LastModified": dt.datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=dt.UTC),
            "Expires": 1767323045.0,
        },
    )
    assert got == {
        "Body": "hello",
        "LastModified": "2026-01-02T03:04:05.250Z",
        "Expires": "2026-01-02T03:04:05Z",
    }


def test_sdk_result_streams_and_binary_bodies():
    shape = output_of(S3, "GetObject")
    assert sdk_result(shape, {"Body": (iter([b"ab", b"cd"]), 4)}) == {"Body": "abcd"}
    assert sdk_result(shape, {"Body": b"\xff\x00"}) == {"Body": "/wA="}  # not text: base64


def test_wire_forms_keep_base64_blobs():
    key = {"pk": {"B": "AAEC"}}
    params = wire_params(input_of(DDB, "GetItem"), {"TableName": "t", "Key": key})
    assert params == {"TableName": "t", "Key": {"pk": {"B": b"\x00\x01\x02"}}}
    assert wire_result(output_of(DDB, "GetItem"), {"Item": {"pk": {"B": b"\x00\x01\x02"}}}) == {
        "Item": key
    }
