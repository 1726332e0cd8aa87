"""The model's length, range and pattern limits that the shared validator does not check.

botocore's ParamValidator (used by the protocol layer) checks required members, types,
minimums and list minimums; CloudWatch Logs also rejects names that break the model's
`pattern` and values over its `max`, with the same "N validation errors detected" text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from botocore import xform_name
from botocore.model import OperationModel, Shape

from ...protocol import load_service_model
from .errors import invalid_parameter

_MODEL = load_service_model("logs")
_OPERATIONS = {xform_name(name): name for name in _MODEL.operation_names}


@functools.cache
def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None  # a Java-only construct (\p{L}); leave it to the service's own checks


def _problems(name: str, shape: Shape, value: Any) -> list[str]:
    meta = shape.metadata
    limit = meta.get("max")
    where = f"Value '{value}' at '{name}' failed to satisfy constraint: Member must"
    if shape.type_name == "string" and isinstance(value, str):
        out = []
        if limit is not None and len(value) > limit:
            out.append(f"{where} have length less than or equal to {limit}")
        pattern = meta.get("pattern")
        rx = _regex(pattern) if pattern else None
        if rx is not None and rx.fullmatch(value) is None:
            out.append(f"{where} satisfy regular expression pattern: {pattern}")
        return out
    if shape.type_name in ("integer", "long") and isinstance(value, int):
        if limit is not None and value > limit:
            return [f"{where} have value less than or equal to {limit}"]
    if shape.type_name in ("list", "map") and limit is not None and len(value) > limit:
        # Collections are not echoed back: a 10,001-event batch would make a huge message.
        return [
            f"Value at '{name}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {limit}"
        ]
    return []


def check(op: OperationModel | str, params: dict[str, Any]) -> None:
    model = _MODEL.operation_model(op) if isinstance(op, str) else op
    shape = model.input_shape
    if shape is None:
        return
    problems: list[str] = []
    for name, member in shape.members.items():
        if name in params:
            problems += _problems(name, member, params[name])
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise invalid_parameter(
            f"{len(problems)} validation {noun} detected: " + "; ".join(problems)
        )


def validated(method: Callable) -> Callable:
    """Check the operation's input against the model's limits before the method runs."""
    op = _MODEL.operation_model(_OPERATIONS[method.__name__])

    @functools.wraps(method)
    def wrapper(self, ctx, params: dict[str, Any]):
        check(op, params)
        return method(self, ctx, params)

    return wrapper
