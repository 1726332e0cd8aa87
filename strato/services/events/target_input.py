"""What a target receives: the event, `Input`, `InputPath` or `InputTransformer`'s output.

Paths are the JSONPath subset EventBridge takes (`$`, `$.a.b`, `$.a[0]`, `$['a b']`); a
hand-written reader because that subset is a few lines and jsonpath libraries differ from
AWS on missing paths. Template quoting as AWS: a placeholder inside a JSON string is
inserted as raw text, outside as a JSON value; a template that is not JSON is plain text.
"""

from __future__ import annotations

import json
import re
from typing import Any

_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\[\'([^\']*)\'\]|\[\"([^\"]*)\"\]")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_MISSING = object()


class InvalidPath(ValueError):
    pass


def read_path(document: Any, path: str) -> Any:
    """The value at a JSONPath, or None when a step is missing."""
    if not path.startswith("$"):
        raise InvalidPath(path)
    value, pos = document, 1
    while pos < len(path):
        step = _STEP.match(path, pos)
        if step is None:
            raise InvalidPath(path)
        pos = step.end()
        key, index = step.group(1) or step.group(3) or step.group(4), step.group(2)
        if value is None:
            continue  # keep reading, so a malformed path is still rejected
        if index is not None:
            value = (
                value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
            )
        else:
            value = value.get(key) if isinstance(value, dict) else None
    return value


def check_path(path: str) -> None:
    read_path({}, path)


def predefined(event: dict, rule_name: str, rule_arn: str, ingestion: str) -> dict[str, Any]:
    return {
        "aws.events.event": event,
        "aws.events.event.json": event,
        "aws.events.rule-name": rule_name,
        "aws.events.rule-arn": rule_arn,
        "aws.events.event.ingestion-time": ingestion,
    }


def _quoted_positions(template: str) -> list[tuple[int, int]]:
    """Spans of the template that lie inside JSON string quotes."""
    spans, start, i, n = [], None, 0, len(template)
    while i < n:
        c = template[i]
        if c == "\\" and start is not None:
            i += 2
            continue
        if c == '"':
            if start is None:
                start = i
            else:
                spans.append((start, i))
                start = None
        i += 1
    return spans


def render_template(template: str, values: dict[str, Any]) -> str:
    """InputTemplate with each `<name>` replaced; unknown names stay as they are."""
    probe = _PLACEHOLDER.sub(lambda m: "null" if m.group(1) in values else m.group(0), template)
    try:
        json.loads(probe)
        is_json = True
    except ValueError:
        is_json = False
    spans = _quoted_positions(template) if is_json else []

    def inside(pos: int) -> bool:
        return any(a < pos < b for a, b in spans)

    def replace(m: re.Match) -> str:
        name = m.group(1)
        if name not in values:
            return m.group(0)
        value = values[name]
        if not is_json:
            return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        if inside(m.start()):
            text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
            return json.dumps(text)[1:-1] if value is not None else ""
        return json.dumps(value, separators=(",", ":"))

    return _PLACEHOLDER.sub(replace, template)


def target_input(target: dict, event: dict, rule_name: str, rule_arn: str) -> str:
    """The text the target gets for this event."""
    if "Input" in target:
        return target["Input"]
    if "InputPath" in target:
        return json.dumps(read_path(event, target["InputPath"]), separators=(",", ":"))
    transformer = target.get("InputTransformer")
    if transformer:
        values = predefined(event, rule_name, rule_arn, event.get("time", ""))
        for name, path in (transformer.get("InputPathsMap") or {}).items():
            values[name] = read_path(event, path)
        return render_template(transformer["InputTemplate"], values)
    return json.dumps(event, separators=(",", ":"))
