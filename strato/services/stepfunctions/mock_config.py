"""Step Functions Local's mock configuration file (`SFN_MOCK_CONFIG`), read and answered.

    {"StateMachines": {"<name>": {"TestCases": {"<case>": {"<state>": "<mocked response>"}}}},
     "MockedResponses": {"<mocked response>": {"0": {"Return": ...},
                                               "1-2": {"Throw": {"Error": ..., "Cause": ...}}}}}

Keys of a mocked response are attempts of the state (0 is the first call, retries count
up), singly or as inclusive ranges. An attempt past the last key gets the last key's answer
again, so a mock of one answer holds for every retry.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from ...asl import TaskFailure

ENV = "SFN_MOCK_CONFIG"

Answer = tuple[str, Any] | tuple[str, str, str | None]


class MockConfigError(ValueError):
    """The file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class _Range:
    first: int
    last: int
    answer: Answer


@dataclass
class MockConfig:
    # state machine -> test case -> state -> mocked response name
    test_cases: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    # mocked response name -> its attempt ranges, in order
    responses: dict[str, list[_Range]] = field(default_factory=dict)

    def has_test_case(self, state_machine_name: str, test_case: str) -> bool:
        return test_case in self.test_cases.get(state_machine_name, {})

    def response(
        self, state_machine_name: str, test_case: str, state_name: str, attempt: int
    ) -> Answer | None:
        """("return", value), ("throw", error, cause), or None when the state is not mocked."""
        case = self.test_cases.get(state_machine_name, {}).get(test_case)
        if case is None or state_name not in case:
            return None
        ranges = self.responses[case[state_name]]
        for r in ranges:
            if r.first <= attempt <= r.last:
                return r.answer
        last = max(ranges, key=lambda r: r.last)
        return last.answer if attempt > last.last else None


def outcome(answer: Answer) -> Any:
    """A mocked answer played out: the Return value, or its Throw raised as a TaskFailure."""
    if answer[0] == "return":
        return answer[1]
    raise TaskFailure(answer[1], answer[2])  # type: ignore[misc]


def load(path: str) -> MockConfig:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise MockConfigError(f"Cannot read the mock configuration {path}: {e}") from e
    except ValueError as e:
        raise MockConfigError(f"The mock configuration {path} is not valid JSON: {e}") from e
    return parse(doc, path)


def load_from_env() -> MockConfig | None:
    """The file `SFN_MOCK_CONFIG` names, or None when it names none."""
    path = os.environ.get(ENV)
    return load(path) if path else None


def parse(doc: Any, where: str = "mock configuration") -> MockConfig:
    if not isinstance(doc, dict):
        raise MockConfigError(f"{where}: the document must be a JSON object")
    responses = {
        name: _ranges(body, f"{where}: MockedResponses.{name}")
        for name, body in _object(doc.get("MockedResponses", {}), f"{where}: MockedResponses")
    }
    test_cases: dict[str, dict[str, dict[str, str]]] = {}
    for machine, body in _object(doc.get("StateMachines", {}), f"{where}: StateMachines"):
        here = f"{where}: StateMachines.{machine}"
        cases = dict(_object(body, here)).get("TestCases", {})
        test_cases[machine] = {}
        for case, states in _object(cases, f"{here}.TestCases"):
            mapping: dict[str, str] = {}
            for state, response in _object(states, f"{here}.TestCases.{case}"):
                if not isinstance(response, str) or response not in responses:
                    raise MockConfigError(
                        f"{here}.TestCases.{case}.{state}: no mocked response named "
                        f"{response!r} in MockedResponses"
                    )
                mapping[state] = response
            test_cases[machine][case] = mapping
    return MockConfig(test_cases=test_cases, responses=responses)


def _object(value: Any, where: str) -> list[tuple[str, Any]]:
    if not isinstance(value, dict):
        raise MockConfigError(f"{where} must be a JSON object")
    return list(value.items())


def _ranges(body: Any, where: str) -> list[_Range]:
    ranges: list[_Range] = []
    for key, answer in _object(body, where):
        first, last = _attempts(key, f"{where}.{key}")
        ranges.append(_Range(first, last, _answer(answer, f"{where}.{key}")))
    if not ranges:
        raise MockConfigError(f"{where} has no responses")
    ordered = sorted(ranges, key=lambda r: r.first)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.first <= a.last:
            raise MockConfigError(
                f"{where}: the attempts {a.first}-{a.last} and {b.first}-{b.last} overlap"
            )
    return ordered


def _attempts(key: str, where: str) -> tuple[int, int]:
    first, sep, last = key.partition("-")
    if not first.strip().isdigit() or (sep and not last.strip().isdigit()):
        raise MockConfigError(f'{where}: a key must be an attempt number or a range like "1-3"')
    lo = int(first)
    hi = int(last) if sep else lo
    if hi < lo:
        raise MockConfigError(f"{where}: the range ends before it starts")
    return lo, hi


def _answer(value: Any, where: str) -> Answer:
    if not isinstance(value, dict) or len(value.keys() & {"Return", "Throw"}) != 1:
        raise MockConfigError(f"{where} must hold exactly one of Return or Throw")
    if "Return" in value:
        return ("return", value["Return"])
    throw = value["Throw"]
    if not isinstance(throw, dict) or not isinstance(throw.get("Error"), str):
        raise MockConfigError(f"{where}.Throw must be an object with an Error string")
    cause = throw.get("Cause")
    if cause is not None and not isinstance(cause, str):
        raise MockConfigError(f"{where}.Throw.Cause must be a string")
    return ("throw", throw["Error"], cause)
