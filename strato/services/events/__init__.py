"""Amazon EventBridge: event buses, rules, targets, PutEvents and scheduled rules.

`patterns` holds the pure event-pattern engine the rules use.
"""

from ..registry import ServiceSpec
from .provider import EventsProvider

SPEC = ServiceSpec(name="events", provider_factory=EventsProvider)

__all__ = ["SPEC", "EventsProvider"]
