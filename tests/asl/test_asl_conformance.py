"""The recorded AWS Step Functions cases, run on the ASL engine without a server.

Run `python3 tests/asl/conformance_report.py` for the pass rate per kind and category.
"""

from __future__ import annotations

import pytest
from asl_conformance import check, runnable_cases, skip_reason

# Cases that do not pass yet: id -> why. A listed case that starts passing fails the run,
# so the list only shrinks.
KNOWN_FAILURES: dict[str, str] = {}

CASES = runnable_cases()


def test_the_recorded_cases_are_all_here():
    kinds = {c["kind"] for c in CASES}
    assert kinds == {"execution", "choice_case", "sync_execution"}
    assert len(CASES) == 435
    assert set(KNOWN_FAILURES) <= {c["id"] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c["id"].split("::", 1)[-1] for c in CASES])
def test_recorded_case(case):
    reason = skip_reason(case)
    if reason:
        pytest.skip(reason)
    problems = check(case)
    known = KNOWN_FAILURES.get(case["id"])
    if known:
        assert problems, f"now passes: remove it from KNOWN_FAILURES ({known})"
        pytest.xfail(known)
    assert not problems, "\n".join(problems)


RESUMABLE = [c for c in CASES if not skip_reason(c) and c["id"] not in KNOWN_FAILURES]


@pytest.mark.parametrize("case", RESUMABLE, ids=[c["id"].split("::", 1)[-1] for c in RESUMABLE])
def test_recorded_case_resumed_from_json_after_every_step(case):
    """A service persists the snapshot at each transition: the outcome must not change."""
    problems = check(case, resume_every_step=True)
    assert not problems, "\n".join(problems)
