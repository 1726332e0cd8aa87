"""Checking a definition with the engine's parser, for Create/Update and Validate."""

from __future__ import annotations

import re

from ...asl import InvalidDefinition, StateMachine, parse_definition
from .errors import invalid_definition

_PROBLEM = re.compile(r"^(?P<code>[A-Z_]+): (?P<message>.*?)(?: at (?P<location>/\S*))?$", re.S)


def parse_or_raise(definition: str) -> StateMachine:
    try:
        return parse_definition(definition)
    except InvalidDefinition as exc:
        raise invalid_definition(str(exc)) from None


def diagnostics(definition: str) -> list[dict]:
    """ValidateStateMachineDefinition's diagnostics: one ERROR per problem found."""
    try:
        parse_definition(definition)
    except InvalidDefinition as exc:
        problems = exc.problems or [str(exc).split(": '", 1)[-1].rstrip("'")]
        out = []
        for problem in problems:
            match = _PROBLEM.match(problem)
            if match is None:
                out.append(
                    {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": problem}
                )
                continue
            item = {"severity": "ERROR", "code": match["code"], "message": match["message"]}
            if match["location"]:
                item["location"] = match["location"]
            out.append(item)
        return out
    return []
