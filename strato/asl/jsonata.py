"""JSONata-mode evaluation (`{% expr %}`), on the jsonata-python library.

jsonata-python is a maintained pure-Python port of the reference implementation; AWS's
extra functions ($partition, $range, $hash, $random, $uuid, $parse) are added here.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from typing import Any

from strato.asl.errors import QUERY_EVALUATION_ERROR, ExecutionError
from strato.asl.payload import to_json

try:
    import jsonata as _jsonata
    from jsonata.utils import Utils as _Utils
except ImportError:  # pragma: no cover - the dependency is declared; keep JSONPath usable
    _jsonata = None


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def _expr_text(value: str) -> str:
    return value[2:-2].strip()


def _to_jsonata(value: Any) -> Any:
    return _Utils.NULL_VALUE if value is None else value


def _from_jsonata(value: Any) -> Any:
    if value is _Utils.NULL_VALUE:
        return None
    if isinstance(value, dict):
        return {k: _from_jsonata(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_jsonata(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _partition(arr, size):
    return [arr[i : i + int(size)] for i in range(0, len(arr), int(size))]


def _range(start, end, step):
    # A JSONata sequence: a single item collapses to the item itself, as on AWS.
    seq = _Utils.create_sequence()
    seq.extend(range(int(start), int(end) + (1 if step > 0 else -1), int(step)))
    return seq


def _hash(data, algorithm):
    names = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384"}
    names["SHA-512"] = "sha512"
    return hashlib.new(names[algorithm], str(data).encode()).hexdigest()


def _random(seed=None):
    return random.Random(seed).random() if seed is not None else random.random()


def _parse(text):
    return json.loads(text)


_EXTRA = {
    "partition": _partition,
    "range": _range,
    "hash": _hash,
    "random": _random,
    "uuid": lambda: str(uuid.uuid4()),
    "parse": _parse,
}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _is_json(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


def evaluate(text: str, field: str, bindings: dict) -> Any:
    """Evaluate one `{% %}` string; errors become States.QueryEvaluationError."""
    if _jsonata is None:
        raise ExecutionError(QUERY_EVALUATION_ERROR, "JSONata support is not installed", field)
    expr = _expr_text(text)
    try:
        compiled = _jsonata.Jsonata(expr)
        compiled.set_output_convert_nulls(False)
        for name, fn in _EXTRA.items():
            compiled.register_lambda(name, fn)
        result = compiled.evaluate(None, {k: _to_jsonata(v) for k, v in bindings.items()})
    except Exception as exc:  # the library raises JException and, on bugs, others
        code = getattr(exc, "error", None)
        message = str(exc)
        if code and isinstance(code, str):
            message = message.split(" {code=")[0]
            message = f"{code}: {message}" if not message.startswith(code) else message
        raise ExecutionError(
            QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{expr}' specified for the field '{field}' threw an error "
            f"during evaluation. {message}",
            field,
        ) from exc
    if result is None:
        raise ExecutionError(
            QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{expr}' specified for the field '{field}' returned "
            "nothing (undefined).",
            field,
        )
    result = _from_jsonata(result)
    if not _is_json(result):
        raise ExecutionError(
            QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{expr}' specified for the field '{field}' returned an "
            "unsupported result type.",
            field,
        )
    return result


def render(template: Any, field: str, bindings: dict) -> Any:
    """Evaluate every `{% %}` string inside a JSON template (Arguments, Output, Assign...)."""
    if is_expression(template):
        return evaluate(template, field, bindings)
    if isinstance(template, dict):
        return {k: render(v, f"{field}/{k}", bindings) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, f"{field}[{i}]", bindings) for i, v in enumerate(template)]
    return template


def expect_type(value: Any, expected: str, text: str, field: str) -> None:
    if _describe(value) != expected:
        raise ExecutionError(
            QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{_expr_text(text)}' specified for the field '{field}' "
            f"returned an unexpected result type. Expected '{expected}', but was "
            f"'{_describe(value)}' for value: {to_json(value)}",
            field,
        )
