"""Run the recorded AWS Step Functions cases on the ASL engine and compare the outcome.

Shared by test_asl_conformance.py and conformance_report.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from strato.asl import Execution, InvalidDefinition, MockIntegrations, run_to_completion
from strato.asl.choice import parse_timestamp

DATA = Path(__file__).parent / "data" / "sfn_cases.jsonl"
RUN_KINDS = ("execution", "choice_case", "sync_execution")
START = 1_700_000_000.0  # 2023-11-14T22:13:20Z, the fake clock's start

SM_ARN = "arn:aws:states:us-east-1:111111111111:stateMachine:machine-under-test"


def load_cases() -> list[dict]:
    with DATA.open() as f:
        return [json.loads(line) for line in f if line.strip()]


def runnable_cases() -> list[dict]:
    return [c for c in load_cases() if c["kind"] in RUN_KINDS]


def skip_reason(case: dict) -> str | None:
    needs = [r for r in case.get("requires", []) if r != "wait"]
    if needs:
        return f"needs integrations not provided offline: {', '.join(needs)}"
    if "Task" in case.get("state_types", []):
        return "Task states call AWS services recorded only as opaque results"
    return None


class FakeClock:
    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance_to(self, t: float) -> None:
        self.now = max(self.now, t)


def run_case(case: dict, resume_every_step: bool = False) -> Execution:
    """Run a case; with resume_every_step, rebuild the execution from its JSON snapshot
    after every step, as a service that persists each transition would."""
    clock = FakeClock()
    kwargs = {"integrations": MockIntegrations(), "clock": clock}
    execution = Execution(
        case["definition"],
        case["input"],
        name="execution-under-test",
        state_machine_arn=SM_ARN,
        **kwargs,
    )
    if not resume_every_step:
        return run_to_completion(execution, clock.advance_to)
    while True:
        result = execution.step()
        if result.status == "done":
            return execution
        if result.status == "sleeping":
            clock.advance_to(result.wake_at)
        elif result.status == "blocked":
            return execution
        saved = json.dumps(execution.snapshot())
        execution = Execution.restore(case["definition"], json.loads(saved), **kwargs)


# --- comparison ----------------------------------------------------------------------

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})")
_PLACEHOLDER = re.compile(r"<[^<>\s]+>")


def normalise(value: Any, key: str = "") -> Any:
    """What the recorder did to AWS's values: timestamps became `date` / `timestamp`."""
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        value = _ISO.sub(lambda m: "date" if parse_timestamp(m.group(0)) else m.group(0), value)
    if "timestamp" in key.lower() and value != "date":
        return "timestamp"
    return value


def _pattern(expected: str, wildcards: list[str]) -> re.Pattern | None:
    marks = [w for w in wildcards if w and w in expected]
    if not marks and not _PLACEHOLDER.search(expected):
        return None
    parts = re.split(
        "(" + "|".join([re.escape(w) for w in marks] + [_PLACEHOLDER.pattern]) + ")", expected
    )
    regex = ""
    for part in parts:
        if part is None:
            continue
        is_mark = part in marks or _PLACEHOLDER.fullmatch(part)
        regex += ".+" if is_mark else re.escape(part)
    return re.compile(regex, re.S)


def matches(expected: Any, actual: Any, wildcards: list[str]) -> bool:
    if isinstance(expected, str):
        if expected in wildcards:
            return actual is not None
        if isinstance(actual, str):
            if expected == actual:
                return True
            p = _pattern(expected, wildcards)
            return bool(p and p.fullmatch(actual))
        if expected in ("date", "timestamp"):
            return False
        return False
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and set(expected) == set(actual)
            and all(matches(v, actual[k], wildcards) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a, wildcards) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return expected == actual


def parse_text(value: Any) -> Any:
    """Recorded JSON text that did not start with `{` was kept as a string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def cause_matches(expected: str | None, actual: str | None, wildcards: list[str]) -> bool:
    """AWS's cause text, with only the recorder's placeholders left open.

    The conformance notes allow a loose match; every recorded cause currently matches
    exactly, so the stricter check is kept to catch regressions in the wording.
    """
    if expected is None or actual is None:
        return expected == actual
    return matches(expected, normalise(actual), wildcards)


_EVENT_KEYS = (
    "input",
    "output",
    "name",
    "index",
    "length",
    "error",
    "cause",
    "location",
    "state",
    "mapRunArn",
    "assignedVariables",
    "assignedVariablesDetails",
)


def simplify_event(event: dict) -> dict:
    out: dict = {"type": event["type"]}
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            for k in _EVENT_KEYS:
                if k in value:
                    out[k] = value[k]
    return out


def _event_value(key: str, value: Any) -> Any:
    if key in ("input", "output"):
        return parse_text(value)
    if key == "assignedVariables" and isinstance(value, dict):
        return {k: parse_text(v) for k, v in value.items()}
    return value


def events_match(expected: dict, actual: dict, wildcards: list[str]) -> bool:
    if expected["type"] != actual["type"] or set(expected) != set(actual):
        return False
    for key, value in expected.items():
        if key == "type":
            continue
        e = _event_value(key, value)
        a = normalise(_event_value(key, actual[key]))
        if key == "cause":
            if not cause_matches(e, a, wildcards):
                return False
        elif not matches(e, a, wildcards):
            return False
    return True


def compare(case: dict, execution: Execution) -> list[str]:
    """Differences between the recording and this run; empty when they agree."""
    exp = case["expected"]
    wildcards = case.get("wildcards", [])
    problems = []
    if execution.status != exp["status"]:
        problems.append(
            f"status {execution.status} != {exp['status']} ({execution.error}: {execution.cause})"
        )
        return problems
    if "output" in exp:
        want = parse_text(exp["output"])
        got = normalise(execution.output)
        if not matches(want, got, wildcards):
            problems.append(f"output {json.dumps(got)[:400]} != {json.dumps(want)[:400]}")
    if "error" in exp and execution.error != exp["error"]:
        problems.append(f"error {execution.error!r} != {exp['error']!r}")
    if "cause" in exp and not cause_matches(exp["cause"], execution.cause, wildcards):
        problems.append(f"cause {execution.cause!r} != {exp['cause']!r}")
    if exp.get("history"):
        got_events = [simplify_event(e) for e in execution.events]
        if "reverseOrder[True]" in case["id"]:
            got_events.reverse()  # the recording asked for the history newest first
        want_events = exp["history"]
        if _has_parallel(case["definition"]):
            problems.extend(_compare_unordered(want_events, got_events, wildcards))
            return problems
        for i, want in enumerate(want_events):
            if i >= len(got_events):
                problems.append(f"history: missing event #{i + 1} {want['type']}")
                break
            if not events_match(want, got_events[i], wildcards):
                problems.append(
                    f"history event #{i + 1}: {json.dumps(got_events[i])[:300]} != "
                    f"{json.dumps(want)[:300]}"
                )
                break
        else:
            if len(got_events) > len(want_events):
                problems.append(f"history: extra events from #{len(want_events) + 1}")
    return problems


def _has_parallel(definition: dict) -> bool:
    return '"Type": "Parallel"' in json.dumps(definition)


def _compare_unordered(want_events: list, got_events: list, wildcards: list) -> list[str]:
    """Parallel branches run on threads on AWS: their events interleave by chance, so
    compare the history as a multiset."""
    left = list(got_events)
    for want in want_events:
        hit = next((i for i, got in enumerate(left) if events_match(want, got, wildcards)), None)
        if hit is None:
            return [f"history: no event matches {json.dumps(want)[:300]}"]
        del left[hit]
    if left:
        return [f"history: extra events {json.dumps(left)[:300]}"]
    return []


def check(case: dict, resume_every_step: bool = False) -> list[str]:
    try:
        execution = run_case(case, resume_every_step)
    except InvalidDefinition as exc:
        return [f"InvalidDefinition: {exc}"]
    return compare(case, execution)
