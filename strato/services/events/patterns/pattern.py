"""A compiled event pattern: compile once, then match many events fast."""

from typing import Any

from .compiler import Branch, compile_branches
from .event import FlatEvent, flatten, parse_event, validate_event


class Pattern:
    """An EventBridge event pattern. Build with `compile_pattern`."""

    __slots__ = ("text", "_branches")

    def __init__(self, text: str, branches: list[Branch]) -> None:
        self.text = text
        # exists:false fields are cheapest to disprove last; order otherwise as written
        self._branches = tuple(
            tuple(sorted(branch.values(), key=lambda rule: rule.absent)) for branch in branches
        )

    def matches(self, event: dict[str, Any]) -> bool:
        return self.matches_flat(flatten(event))

    def matches_text(self, event_text: str) -> bool:
        """Match event JSON text; duplicate keys in the event all count, as on AWS."""
        return self.matches_flat(flatten(parse_event(event_text)))

    def matches_flat(self, flat: FlatEvent) -> bool:
        """Match an event already flattened with `flatten` (once per event for many rules)."""
        for branch in self._branches:
            for rule in branch:
                if not rule.matches(flat):
                    break
            else:
                return True
        return False

    def __repr__(self) -> str:
        return f"Pattern({self.text!r})"


def compile_pattern(text: str) -> Pattern:
    """Parse and validate pattern JSON text; raises InvalidEventPattern as AWS would."""
    return Pattern(text, compile_branches(text))


def test_event_pattern(pattern_text: str, event_text: str) -> bool:
    """What the TestEventPattern API answers: validates the pattern, then the event."""
    pattern = compile_pattern(pattern_text)
    event = parse_event(event_text)
    validate_event(event)
    return pattern.matches_flat(flatten(event))


test_event_pattern.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
