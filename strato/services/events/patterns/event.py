"""Events as the matcher sees them: every leaf value under its dotted path.

Array elements all land on the array's path, so a pattern matches if any element does;
nested objects join keys with ".", so {"a": {"b": 1}} and {"a.b": 1} look the same, as on AWS.
"""

from typing import Any

from . import json_text
from .errors import InvalidEvent
from .json_text import Members

FlatEvent = dict[str, list]

# TestEventPattern refuses events without these (AWS also lists `resources`, but accepts
# events without it).
REQUIRED_FIELDS = ("id", "account", "source", "time", "region", "detail-type")


def flatten(event: Any) -> FlatEvent:
    flat: FlatEvent = {}
    _walk(event, "", flat)
    return flat


def _walk(node: Any, prefix: str, flat: FlatEvent) -> None:
    items = node.items() if isinstance(node, dict) else node
    for key, value in items:
        if isinstance(value, (dict, Members)):
            _walk(value, f"{prefix}{key}.", flat)
        elif isinstance(value, list):
            _leaves(value, f"{prefix}{key}", flat)
        else:
            path = f"{prefix}{key}"
            bucket = flat.get(path)
            if bucket is None:
                flat[path] = [value]
            else:
                bucket.append(value)


def _leaves(array: list, path: str, flat: FlatEvent) -> None:
    for element in array:
        if isinstance(element, (dict, Members)):
            _walk(element, f"{path}.", flat)
        elif isinstance(element, list):
            _leaves(element, path, flat)
        else:
            flat.setdefault(path, []).append(element)


def parse_event(text: str) -> Members:
    """Parse event text (duplicate keys kept); anything but a JSON object is refused."""
    try:
        event = json_text.parse(text)
    except ValueError:
        raise InvalidEvent() from None
    if not isinstance(event, Members):
        raise InvalidEvent()
    return event


def validate_event(event: Members) -> None:
    """The checks TestEventPattern makes on its Event parameter."""
    present = {key for key, _ in event}
    if any(field not in present for field in REQUIRED_FIELDS):
        raise InvalidEvent()
