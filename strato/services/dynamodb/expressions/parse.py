"""Entry points: expression text (plus names and values) to a checked tree."""

from __future__ import annotations

from typing import Any

from .condition_checks import check_condition
from .condition_grammar import ConditionGrammar, path
from .document_paths import check_overlaps
from .errors import DynamoValidationError
from .nodes import Condition, Projection, Update
from .references import Issues, References
from .syntax import TokenStream, check_length, parse_with
from .update_checks import check_update
from .update_grammar import UpdateGrammar

PROJECTION_ORDER = ("reserved", "attrNameVal", "pathOverlap", "pathConflict")


def parse_condition(
    text: str,
    names: dict[str, str] | None,
    values: dict[str, Any] | None,
    kind: str = "ConditionExpression",
) -> Condition:
    """Parse a ConditionExpression, FilterExpression or KeyConditionExpression (`kind`)."""
    check_length(text, kind)
    stream = TokenStream(text, kind)
    raw = parse_with(stream, ConditionGrammar(stream).condition)
    refs = References(names, values)
    root = check_condition(raw, refs, kind)
    return Condition(root, frozenset(refs.names_used), frozenset(refs.values_used))


def parse_update(text: str, names: dict[str, str] | None, values: dict[str, Any] | None) -> Update:
    check_length(text, "UpdateExpression")
    stream = TokenStream(text, "UpdateExpression")
    sections = parse_with(stream, UpdateGrammar(stream).update)
    refs = References(names, values)
    actions = check_update(sections, refs)
    return Update(actions, frozenset(refs.names_used), frozenset(refs.values_used))


def parse_projection(text: str, names: dict[str, str] | None) -> Projection:
    kind = "ProjectionExpression"
    check_length(text, kind)
    stream = TokenStream(text, kind)

    def paths() -> list[Any]:
        found = [path(stream, ())]
        while stream.accept(","):
            found.append(path(stream, ()))
        return found

    raws = parse_with(stream, paths)
    refs = References(names, None)
    issues = Issues()
    resolved = [refs.path(raw, issues) for raw in raws]
    check_overlaps(resolved, issues)
    message = issues.pick(PROJECTION_ORDER)
    if message is not None:
        raise DynamoValidationError(f"Invalid {kind}: {message}")
    return Projection(tuple(resolved), frozenset(refs.names_used))
