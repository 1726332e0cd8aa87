"""Step Functions Local's MockConfigFile: answers per attempt, and files that cannot work."""

from __future__ import annotations

import json

import pytest

from strato.asl import TaskFailure
from strato.services.stepfunctions import mock_config
from strato.services.stepfunctions.mock_config import MockConfigError

CONFIG = {
    "StateMachines": {
        "Signup": {
            "TestCases": {
                "HappyPath": {"CheckName": "NameOk", "Notify": "Published"},
                "RetryPath": {"CheckName": "FailTwiceThenOk"},
            }
        }
    },
    "MockedResponses": {
        "NameOk": {"0": {"Return": {"Payload": {"ok": True}, "StatusCode": 200}}},
        "Published": {"0": {"Return": {"MessageId": "m-1"}}},
        "FailTwiceThenOk": {
            "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "busy"}},
            "2": {"Return": {"ok": True}},
            "4": {"Throw": {"Error": "Custom"}},
        },
    },
}


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "mock.json"
    path.write_text(json.dumps(CONFIG))
    return mock_config.load(str(path))


@pytest.mark.parametrize(
    ("case", "state", "attempt", "answer"),
    [
        ("HappyPath", "CheckName", 0, ("return", {"Payload": {"ok": True}, "StatusCode": 200})),
        ("HappyPath", "CheckName", 3, ("return", {"Payload": {"ok": True}, "StatusCode": 200})),
        ("HappyPath", "Notify", 0, ("return", {"MessageId": "m-1"})),
        ("HappyPath", "Unmocked", 0, None),
        ("RetryPath", "CheckName", 0, ("throw", "Lambda.TooManyRequestsException", "busy")),
        ("RetryPath", "CheckName", 1, ("throw", "Lambda.TooManyRequestsException", "busy")),
        ("RetryPath", "CheckName", 2, ("return", {"ok": True})),
        ("RetryPath", "CheckName", 3, None),  # a gap between ranges: not mocked
        ("RetryPath", "CheckName", 4, ("throw", "Custom", None)),
        ("RetryPath", "CheckName", 9, ("throw", "Custom", None)),  # past the end: the last again
        ("RetryPath", "Notify", 0, None),
        ("NoSuchCase", "CheckName", 0, None),
    ],
)
def test_answers(config, case, state, attempt, answer):
    assert config.response("Signup", case, state, attempt) == answer


def test_outcome_returns_or_raises(config):
    ok = config.response("Signup", "RetryPath", "CheckName", 2)
    assert mock_config.outcome(ok) == {"ok": True}
    with pytest.raises(TaskFailure) as info:
        mock_config.outcome(config.response("Signup", "RetryPath", "CheckName", 0))
    assert (info.value.error, info.value.cause) == ("Lambda.TooManyRequestsException", "busy")


def test_other_state_machines_are_not_mocked(config):
    assert config.response("Other", "HappyPath", "CheckName", 0) is None
    assert config.has_test_case("Signup", "HappyPath")
    assert not config.has_test_case("Signup", "Nope")
    assert not config.has_test_case("Other", "HappyPath")


def test_load_from_env(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(CONFIG))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(path))
    assert mock_config.load_from_env().has_test_case("Signup", "RetryPath")
    monkeypatch.delenv("SFN_MOCK_CONFIG")
    assert mock_config.load_from_env() is None


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ([], "must be a JSON object"),
        ({"MockedResponses": {"R": {"0": {}}}}, "exactly one of Return or Throw"),
        ({"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {}}}}}, "exactly one"),
        ({"MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}, "Error string"),
        ({"MockedResponses": {"R": {"x": {"Return": 1}}}}, "attempt number or a range"),
        ({"MockedResponses": {"R": {"3-1": {"Return": 1}}}}, "ends before it starts"),
        ({"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}, "overlap"),
        ({"MockedResponses": {"R": {}}}, "no responses"),
        (
            {"StateMachines": {"M": {"TestCases": {"T": {"S": "Missing"}}}}},
            "StateMachines.M.TestCases.T.S: no mocked response named 'Missing'",
        ),
    ],
)
def test_files_that_cannot_work_say_where(doc, words):
    with pytest.raises(MockConfigError) as info:
        mock_config.parse(doc)
    assert words in str(info.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(MockConfigError, match="Cannot read"):
        mock_config.load(str(tmp_path / "absent.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(MockConfigError, match="not valid JSON"):
        mock_config.load(str(bad))
