"""EventBridge event patterns: compile pattern text once, match events against it."""

from .errors import InvalidEvent, InvalidEventPattern
from .event import FlatEvent, flatten
from .pattern import Pattern, compile_pattern, test_event_pattern

__all__ = [
    "FlatEvent",
    "InvalidEvent",
    "InvalidEventPattern",
    "Pattern",
    "compile_pattern",
    "flatten",
    "test_event_pattern",
]
