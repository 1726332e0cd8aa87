"""JSONPath-mode data flow: InputPath, Parameters (`.$` keys), ResultSelector, ResultPath,
OutputPath, and reading `$`, `$$` and `$variable` paths."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from strato.asl import intrinsics, jsonpath
from strato.asl.errors import (
    INTRINSIC_FAILURE,
    RESULT_PATH_MATCH_FAILURE,
    RUNTIME,
    ExecutionError,
    IntrinsicError,
    PathNotFound,
)


def to_json(value: Any) -> str:
    """Compact JSON, as AWS prints values in its messages and history."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Scope:
    """What a state's paths can read: its input, the context object, the variables."""

    input: Any
    context: dict
    variables: dict = field(default_factory=dict)

    def read(self, path: str) -> Any:
        """The value at path; raises PathNotFound (definite paths only)."""
        p = jsonpath.parse(path)
        if p.root == "$$":
            return jsonpath.evaluate(p, self.context)
        if p.root == "$":
            return jsonpath.evaluate(p, self.input)
        name = p.root[1:]
        if name not in self.variables:
            raise PathNotFound(p.text, p.normalized())
        return jsonpath.evaluate(p, self.variables[name])


def _not_found(path: str, field_name: str, scope: Scope) -> ExecutionError:
    p = jsonpath.parse(path)
    source = scope.context if p.root == "$$" else scope.input
    return ExecutionError(
        RUNTIME,
        f"The JSONPath '{path}' specified for the field '{field_name}' could not be found in "
        f"the input '{to_json(source)}'",
    )


def resolve_value(expr: str, field_name: str, scope: Scope) -> Any:
    """A `.$` value: an intrinsic call or a path."""
    if intrinsics.is_intrinsic(expr):
        try:
            return intrinsics.evaluate(expr, lambda p: _read_arg(p, field_name, scope))
        except IntrinsicError as exc:
            raise ExecutionError(INTRINSIC_FAILURE, str(exc)) from exc
        except intrinsics.IntrinsicSyntaxError as exc:
            raise ExecutionError(INTRINSIC_FAILURE, str(exc)) from exc
    try:
        return scope.read(expr)
    except PathNotFound as exc:
        raise _not_found(expr, field_name, scope) from exc
    except jsonpath.JSONPathSyntaxError as exc:
        raise ExecutionError(RUNTIME, str(exc)) from exc


def _read_arg(path: str, field_name: str, scope: Scope) -> Any:
    try:
        return scope.read(path)
    except PathNotFound as exc:
        raise _not_found(path, field_name, scope) from exc


def render(template: Any, scope: Scope) -> Any:
    """Parameters / ResultSelector / ItemSelector / Assign: `.$` keys are evaluated."""
    if isinstance(template, dict):
        out = {}
        for key, value in template.items():
            if key.endswith(".$") and isinstance(value, str):
                out[key[:-2]] = resolve_value(value, key, scope)
            else:
                out[key] = render(value, scope)
        return out
    if isinstance(template, list):
        return [render(v, scope) for v in template]
    return template


def select_path(path: str | None, scope: Scope) -> Any:
    """InputPath and OutputPath: the value at `path` (None gives {})."""
    if path is None:
        return {}
    if path == "$":
        return scope.input
    try:
        return scope.read(path)
    except PathNotFound as exc:
        raise ExecutionError(
            RUNTIME, f"Invalid path '{path}' : No results for path: {exc.normalized}"
        ) from exc


def apply_result_path(path: str | None, state_input: Any, result: Any) -> Any:
    if path is None:
        return state_input
    if path == "$":
        return result
    try:
        return jsonpath.assign(state_input, path, result)
    except PathNotFound as exc:
        raise ExecutionError(
            RESULT_PATH_MATCH_FAILURE,
            f'Unable to apply ResultPath "{path}" to input "{to_json(state_input)}"',
        ) from exc
