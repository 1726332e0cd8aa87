"""Delivery between services: the durable outbox (see outbox.py)."""

from .outbox import OUTBOX, DeliveryFailed, Outbox, RetryPolicy

__all__ = ["OUTBOX", "DeliveryFailed", "Outbox", "RetryPolicy"]
