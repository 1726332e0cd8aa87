"""Input, InputPath and InputTransformer rendering (table-driven, no server)."""

from __future__ import annotations

import json

import pytest

from strato.services.events.target_input import InvalidPath, check_path, read_path, target_input

EVENT = {
    "id": "e1",
    "source": "my.app",
    "time": "2024-01-01T00:00:00Z",
    "resources": ["arn:a", "arn:b"],
    "detail": {"name": 'say "hi"', "n": 2, "ok": True, "list": [1, 2], "odd key": "v"},
}


@pytest.mark.parametrize(
    "path,expected",
    [
        ("$", EVENT),
        ("$.detail.n", 2),
        ("$.resources[1]", "arn:b"),
        ("$.detail['odd key']", "v"),
        ("$.detail.missing", None),
        ("$.detail.n.deeper", None),
    ],
)
def test_read_path(path, expected):
    assert read_path(EVENT, path) == expected


@pytest.mark.parametrize("path", ["detail.n", "$..n", "$.a[x]"])
def test_bad_paths(path):
    with pytest.raises(InvalidPath):
        check_path(path)


@pytest.mark.parametrize(
    "paths,template,expected",
    [
        ({"n": "$.detail.n"}, '{"n": <n>}', {"n": 2}),
        ({"n": "$.detail.n"}, '{"n": "<n>"}', {"n": "2"}),
        ({"b": "$.detail.ok"}, '[<b>, "<b>"]', [True, "true"]),
        ({"s": "$.detail.name"}, '{"s": <s>}', {"s": 'say "hi"'}),
        ({"s": "$.detail.name"}, '{"s": "quoted: <s>"}', {"s": 'quoted: say "hi"'}),
        ({"l": "$.detail.list"}, '{"l": <l>}', {"l": [1, 2]}),
        ({"m": "$.detail.missing"}, '{"m": <m>}', {"m": None}),
        (
            {},
            '{"r": "<aws.events.rule-name>", "a": "<aws.events.rule-arn>"}',
            {"r": "rule", "a": "arn:rule"},
        ),
        ({}, '{"t": "<aws.events.event.ingestion-time>"}', {"t": "2024-01-01T00:00:00Z"}),
        ({}, "<aws.events.event>", EVENT),
    ],
)
def test_json_templates(paths, template, expected):
    target = {"InputTransformer": {"InputPathsMap": paths, "InputTemplate": template}}
    assert json.loads(target_input(target, EVENT, "rule", "arn:rule")) == expected


def test_text_template_and_other_inputs():
    target = {
        "InputTransformer": {"InputPathsMap": {"n": "$.detail.n"}, "InputTemplate": "n is <n>"}
    }
    assert target_input(target, EVENT, "r", "a") == "n is 2"
    assert target_input({"Input": '{"c": 1}'}, EVENT, "r", "a") == '{"c": 1}'
    assert json.loads(target_input({"InputPath": "$.detail.list"}, EVENT, "r", "a")) == [1, 2]
    assert json.loads(target_input({}, EVENT, "r", "a")) == EVENT
