"""The graphlet's data: a product catalog and a reviews service, both mock (as a synthetic
test graphlet serves), with the latency of the network calls they stand for."""

from __future__ import annotations

import time

PRODUCTS = {
    "1": {"id": "1", "name": "Popcorn bucket", "price": 4.5},
    "2": {"id": "2", "name": "Director's chair", "price": 89.0},
    "3": {"id": "3", "name": "Box set (all seasons)", "price": 129.99},
}
REVIEWS = {
    "1": [{"rating": 5, "text": "Fits a whole film's worth."}],
    "2": [{"rating": 4, "text": "Sturdy."}, {"rating": 3, "text": "Squeaks a bit."}],
    "3": [{"rating": 5, "text": "Worth every minute."}],
}
CATALOG_LATENCY_S = 0.01
# The reviews service is slow for the box set: longer than the function's own timeout.
REVIEWS_LATENCY_S = {"3": 10.0}


def product(args: dict) -> dict | None:
    """Query.product(id)"""
    time.sleep(CATALOG_LATENCY_S)
    return PRODUCTS.get(str(args.get("id")))


def reviews(parent: dict) -> list[dict]:
    """Product.reviews"""
    time.sleep(REVIEWS_LATENCY_S.get(parent["id"], 0.02))
    return REVIEWS.get(parent["id"], [])
