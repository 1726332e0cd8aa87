"""JSON text parsing that keeps every member of an object, duplicates included.

AWS parses patterns and events with a streaming parser (Jackson): duplicate keys are all
seen (the last one wins for a pattern field, but every one is validated), NaN/Infinity are
rejected, and anything after the first complete value is ignored.
"""

import json
from typing import Any


class Members(list):
    """The (key, value) pairs of one JSON object, in text order, duplicates kept."""

    __slots__ = ()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Non-standard token '{name}'")


_decoder = json.JSONDecoder(object_pairs_hook=Members, parse_constant=_reject_constant)


def parse(text: str) -> Any:
    """Parse the first JSON value in `text`; objects become `Members`. Raises ValueError."""
    start = len(text) - len(text.lstrip(" \t\r\n"))
    if start == len(text):
        raise ValueError("No content to map due to end-of-input")
    value, _end = _decoder.raw_decode(text, start)
    return value
