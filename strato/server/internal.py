"""Strato's own endpoints under /_strato/: health and the test clock."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..platform import Platform
from ..protocol import HttpRequest, HttpResponse


def handle_internal(platform: Platform, services: list[str], req: HttpRequest) -> HttpResponse:
    path = req.raw_path.rstrip("/")
    if path == "/_strato/health":
        return _json(
            200,
            {
                "status": "running",
                "version": __version__,
                "services": {name: "running" for name in services},
            },
        )
    if path == "/_strato/clock":
        clock = platform.clock
        if req.method == "POST":
            try:
                body = json.loads(req.body_bytes() or b"{}")
                platform.advance_clock(float(body.get("advance", 0)))
            except (ValueError, TypeError) as e:
                return _json(400, {"error": f'expected {{"advance": seconds >= 0}}: {e}'})
        return _json(200, {"now": clock.now(), "offset": clock.offset})
    for provider in platform.providers.values():
        handle = getattr(provider, "handle_internal", None)
        if handle is not None:
            resp = handle(req)
            if resp is not None:
                return resp
    return _json(404, {"error": f"no such Strato endpoint: {req.raw_path}"})


def _json(status: int, body: Any) -> HttpResponse:
    return HttpResponse(
        status=status,
        headers=[("Content-Type", "application/json")],
        body=json.dumps(body).encode(),
    )
