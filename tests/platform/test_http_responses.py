"""What the server writes on the wire for responses that must not carry a body."""

from __future__ import annotations

import asyncio

import pytest

from strato.protocol import HttpResponse
from strato.server.app import _send


def _wire(resp: HttpResponse, method: str = "GET") -> list[dict]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(_send(send, resp, method))
    return sent


@pytest.mark.parametrize("status", [204, 304])
def test_no_content_statuses_never_carry_body_bytes(status):
    # A stray '{}' after a 204 was once read as the start of the next response on the connection.
    sent = _wire(HttpResponse(status=status, body=b"{}"))
    assert b"".join(m.get("body", b"") for m in sent) == b""
    assert all(name != b"content-length" for name, _ in sent[0]["headers"])


def test_head_keeps_the_modeled_length_but_sends_nothing():
    sent = _wire(HttpResponse(status=200, headers=[("Content-Length", "1234")], body=b""), "HEAD")
    assert (b"content-length", b"1234") in sent[0]["headers"]
    assert b"".join(m.get("body", b"") for m in sent) == b""


def test_lengths_match_bodies_and_headers_are_not_repeated():
    sent = _wire(
        HttpResponse(
            status=200,
            headers=[("Content-Type", "a"), ("content-type", "b"), ("Content-Length", "999")],
            body=b"hello",
        )
    )
    headers = sent[0]["headers"]
    assert headers.count((b"Content-Type", b"a")) == 1 and (b"content-type", b"b") not in headers
    assert (b"content-length", b"5") in headers
