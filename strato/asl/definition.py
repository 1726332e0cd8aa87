"""Parse and validate a definition into StateMachine / State objects.

Problems are collected and raised together as InvalidDefinition, worded like AWS's
CreateStateMachine: "Invalid State Machine Definition: 'CODE: text at /States/X/Field'".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from strato.asl import choice, intrinsics, jsonpath
from strato.asl.errors import InvalidDefinition

STATE_TYPES = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
JSONPATH, JSONATA = "JSONPath", "JSONata"

# Fields that must hold a JSONPath (Reference Path or Path) in JSONPath mode.
_PATH_FIELDS = (
    "InputPath",
    "OutputPath",
    "ResultPath",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
)
_JSONPATH_ONLY = ("InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector")
_JSONPATH_ONLY += ("ItemsPath", "SecondsPath", "TimestampPath")
_JSONATA_ONLY = ("Arguments", "Output", "Items")


@dataclass
class State:
    name: str
    type: str
    spec: dict
    query_language: str
    next: str | None = None
    end: bool = False
    branches: list[StateMachine] = field(default_factory=list)  # Parallel
    processor: StateMachine | None = None  # Map

    def get(self, key: str, default: Any = None) -> Any:
        return self.spec.get(key, default)

    @property
    def jsonata(self) -> bool:
        return self.query_language == JSONATA


@dataclass
class StateMachine:
    start_at: str
    states: dict[str, State]
    query_language: str = JSONPATH
    timeout_seconds: int | None = None
    spec: dict = field(default_factory=dict)


def parse_definition(definition: str | dict) -> StateMachine:
    """Parse JSON text or a dict; raise InvalidDefinition listing every problem."""
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except ValueError as exc:
            raise InvalidDefinition(
                f"Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {exc}'"
            ) from exc
    problems: list[str] = []
    machine = _machine(definition, "", JSONPATH, problems)
    if problems:
        joined = ", ".join(problems)
        raise InvalidDefinition(f"Invalid State Machine Definition: '{joined}'", problems)
    return machine


def _machine(spec: Any, where: str, language: str, problems: list[str]) -> StateMachine:
    if not isinstance(spec, dict):
        problems.append(f"SCHEMA_VALIDATION_FAILED: Expected an object at {where or '/'}")
        return StateMachine("", {})
    language = spec.get("QueryLanguage", language)
    if language not in (JSONPATH, JSONATA):
        problems.append(
            f"SCHEMA_VALIDATION_FAILED: QueryLanguage must be JSONPath or JSONata at "
            f"{where}/QueryLanguage"
        )
        language = JSONPATH
    start_at = spec.get("StartAt")
    states_spec = spec.get("States")
    if not isinstance(start_at, str):
        problems.append(f"SCHEMA_VALIDATION_FAILED: The field 'StartAt' is required at {where}/")
    if not isinstance(states_spec, dict) or not states_spec:
        problems.append(f"SCHEMA_VALIDATION_FAILED: The field 'States' is required at {where}/")
        return StateMachine(start_at or "", {}, language, spec=spec)
    states: dict[str, State] = {}
    for name, sspec in states_spec.items():
        state = _state(name, sspec, f"{where}/States/{name}", language, problems)
        if state is not None:
            states[name] = state
    if isinstance(start_at, str) and start_at not in states_spec:
        problems.append(
            f"MISSING_TRANSITION_TARGET: Missing 'Next' target: {start_at} at {where}/StartAt"
        )
    _check_reachable(start_at, states, where, problems)
    return StateMachine(start_at or "", states, language, spec.get("TimeoutSeconds"), spec)


def _state(name: str, spec: Any, where: str, language: str, problems: list) -> State | None:
    if len(name) > 80:
        problems.append(f"SCHEMA_VALIDATION_FAILED: State names must be <= 80 chars at {where}")
    if not isinstance(spec, dict):
        problems.append(f"SCHEMA_VALIDATION_FAILED: Expected an object at {where}")
        return None
    kind = spec.get("Type")
    if kind not in STATE_TYPES:
        problems.append(
            f"SCHEMA_VALIDATION_FAILED: Value is not one of {list(STATE_TYPES)} at {where}/Type"
        )
        return None
    language = spec.get("QueryLanguage", language)
    state = State(name, kind, spec, language, spec.get("Next"), spec.get("End") is True)
    terminal = kind in ("Choice", "Succeed", "Fail")
    if not terminal:
        if state.next is None and not state.end:
            problems.append(f"SCHEMA_VALIDATION_FAILED: No transition found at {where}")
        elif state.next is not None and state.end:
            problems.append(
                f"SCHEMA_VALIDATION_FAILED: 'End' and 'Next' are mutually exclusive at {where}"
            )
    if language == JSONATA:
        for key in _JSONPATH_ONLY:
            if key in spec:
                problems.append(
                    f"SCHEMA_VALIDATION_FAILED: The field '{key}' is not supported when "
                    f"QueryLanguage is JSONata at {where}/{key}"
                )
    else:
        for key in _JSONATA_ONLY:
            if key in spec:
                problems.append(
                    f"SCHEMA_VALIDATION_FAILED: The field '{key}' is only supported when "
                    f"QueryLanguage is JSONata at {where}/{key}"
                )
        for key in _PATH_FIELDS:
            value = spec.get(key)
            if isinstance(value, str) and not _valid_path(value):
                problems.append(
                    f"SCHEMA_VALIDATION_FAILED: The value for the field '{key}' must be a "
                    f"valid JSONPath at {where}/{key}"
                )
        for key in ("Parameters", "ResultSelector", "ItemSelector", "Assign"):
            if key in spec:
                _check_template(spec[key], f"{where}/{key}", problems)
    if kind == "Parallel":
        branches = spec.get("Branches")
        if not isinstance(branches, list) or not branches:
            problems.append(
                f"SCHEMA_VALIDATION_FAILED: The field 'Branches' is required at {where}"
            )
        else:
            for i, b in enumerate(branches):
                state.branches.append(_machine(b, f"{where}/Branches[{i}]", language, problems))
    elif kind == "Map":
        proc = spec.get("ItemProcessor", spec.get("Iterator"))
        if proc is None:
            problems.append(
                f"SCHEMA_VALIDATION_FAILED: The field 'ItemProcessor' is required at {where}"
            )
        else:
            state.processor = _machine(proc, f"{where}/ItemProcessor", language, problems)
    elif kind == "Choice":
        choices = spec.get("Choices")
        if not isinstance(choices, list) or not choices:
            problems.append(f"SCHEMA_VALIDATION_FAILED: The field 'Choices' is required at {where}")
        elif language == JSONPATH:
            for i, rule in enumerate(choices):
                _check_rule(rule, f"{where}/Choices[{i}]", problems, top=True)
    elif kind == "Wait":
        given = [k for k in ("Seconds", "Timestamp", "SecondsPath", "TimestampPath") if k in spec]
        if len(given) != 1:
            problems.append(
                "SCHEMA_VALIDATION_FAILED: A Wait state needs exactly one of Seconds, "
                f"Timestamp, SecondsPath, TimestampPath at {where}"
            )
    elif kind == "Task" and not isinstance(spec.get("Resource"), str):
        problems.append(f"SCHEMA_VALIDATION_FAILED: The field 'Resource' is required at {where}")
    for i, retrier in enumerate(spec.get("Retry") or []):
        if not isinstance(retrier, dict) or not isinstance(retrier.get("ErrorEquals"), list):
            problems.append(
                f"SCHEMA_VALIDATION_FAILED: The field 'ErrorEquals' is required at "
                f"{where}/Retry[{i}]"
            )
    return state


def _valid_path(text: str) -> bool:
    if text.startswith("$"):
        try:
            jsonpath.parse(text)
            return True
        except ValueError:
            return False
    return False


def _check_template(template: Any, where: str, problems: list) -> None:
    if isinstance(template, dict):
        for key, value in template.items():
            if key.endswith(".$"):
                if not isinstance(value, str):
                    problems.append(
                        f"SCHEMA_VALIDATION_FAILED: The value for the field '{key}' must be a "
                        f"STRING that contains a JSONPath but was a non-string at {where}/{key}"
                    )
                elif intrinsics.is_intrinsic(value):
                    try:
                        intrinsics.parse(value)
                    except ValueError:
                        problems.append(
                            f"SCHEMA_VALIDATION_FAILED: The value for the field '{key}' must be "
                            f"a valid JSONPath or a valid intrinsic function call at {where}/{key}"
                        )
                elif not _valid_path(value):
                    problems.append(
                        f"SCHEMA_VALIDATION_FAILED: The value for the field '{key}' must be a "
                        f"valid JSONPath or a valid intrinsic function call at {where}/{key}"
                    )
            else:
                _check_template(value, f"{where}/{key}", problems)
    elif isinstance(template, list):
        for i, v in enumerate(template):
            _check_template(v, f"{where}[{i}]", problems)


def _check_rule(rule: Any, where: str, problems: list, top: bool) -> None:
    if not isinstance(rule, dict):
        problems.append(f"SCHEMA_VALIDATION_FAILED: Expected an object at {where}")
        return
    if top and "Next" not in rule:
        problems.append(f"SCHEMA_VALIDATION_FAILED: The field 'Next' is required at {where}")
    if "And" in rule or "Or" in rule:
        key = "And" if "And" in rule else "Or"
        for i, r in enumerate(rule[key] or []):
            _check_rule(r, f"{where}/{key}[{i}]", problems, top=False)
        return
    if "Not" in rule:
        _check_rule(rule["Not"], f"{where}/Not", problems, top=False)
        return
    ops = [k for k in rule if k in choice.COMPARISONS]
    if "Variable" not in rule or len(ops) != 1:
        problems.append(
            f"SCHEMA_VALIDATION_FAILED: A Choice rule needs a Variable and one comparison "
            f"operator at {where}"
        )


def _transitions(state: State) -> list[tuple[str, str]]:
    out = []
    if state.next is not None:
        out.append((state.next, "Next"))
    if state.type == "Choice":
        for i, rule in enumerate(state.get("Choices") or []):
            if isinstance(rule, dict) and "Next" in rule:
                out.append((rule["Next"], f"Choices[{i}]/Next"))
        if "Default" in state.spec:
            out.append((state.spec["Default"], "Default"))
    for i, catcher in enumerate(state.get("Catch") or []):
        if isinstance(catcher, dict) and "Next" in catcher:
            out.append((catcher["Next"], f"Catch[{i}]/Next"))
    return out


def _check_reachable(start: Any, states: dict[str, State], where: str, problems: list) -> None:
    for state in states.values():
        for target, via in _transitions(state):
            if target not in states:
                problems.append(
                    f"MISSING_TRANSITION_TARGET: Missing 'Next' target: {target} at "
                    f"{where}/States/{state.name}/{via}"
                )
    if start not in states:
        return
    seen, todo = {start}, [start]
    while todo:
        for target, _ in _transitions(states[todo.pop()]):
            if target in states and target not in seen:
                seen.add(target)
                todo.append(target)
    for name in states:
        if name not in seen:
            problems.append(
                f"UNREACHABLE_STATE: State '{name}' is not reachable at {where}/States/{name}"
            )
