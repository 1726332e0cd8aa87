"""Every EventBridge pattern case recorded from real AWS (see data/README.md).

Match results must agree exactly; rejected patterns/events must give the same error code and
the same reason (AWS's message also carries a parser location, which is not compared).
"""

import json
from pathlib import Path

import pytest

from strato.services.events.patterns import InvalidEvent, InvalidEventPattern, test_event_pattern

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "events_pattern_cases.jsonl")
    .read_text()
    .splitlines()
    if line.strip()
]


def _outcome(case: dict) -> tuple:
    try:
        return ("match", test_event_pattern(case["pattern_text"], case["event_text"]))
    except (InvalidEventPattern, InvalidEvent) as exc:
        return ("error", exc.code, str(exc))


def _expected(case: dict) -> tuple:
    if case["error"]:
        return ("error", case["error"]["code"], case["error"]["message"])
    return ("match", case["expected"])


def _first_line(message: str) -> str:
    return message.split("\n at [Source:")[0].strip()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_matches_aws(case: dict) -> None:
    got, want = _outcome(case), _expected(case)
    assert got[:2] == want[:2]
    if want[0] == "error":
        assert _first_line(got[2]) == _first_line(want[2])


def test_pass_rate_is_reported_and_complete(capsys: pytest.CaptureFixture[str]) -> None:
    def agrees(case: dict) -> bool:
        got, want = _outcome(case), _expected(case)
        return got[:2] == want[:2] and (
            want[0] != "error" or _first_line(got[2]) == _first_line(want[2])
        )

    passed = sum(agrees(c) for c in CASES)
    with capsys.disabled():
        print(f"\nEventBridge conformance: {passed}/{len(CASES)} AWS-recorded cases agree")
    assert len(CASES) == 90
    assert passed == len(CASES)
