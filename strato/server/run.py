"""Run the server with uvicorn (uvloop + httptools), announce where it listens, stop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import time

import uvicorn

from ..config import Settings
from ..platform import Platform
from .app import StratoApp


def serve(settings: Settings, *, announce=print) -> None:
    started = time.monotonic()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    platform = Platform.open(settings)
    app = StratoApp(platform)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level=settings.log_level,
        timeout_keep_alive=30,
        server_header=False,
    )
    server = uvicorn.Server(config)
    # uvicorn re-raises SIGTERM after its graceful shutdown; we stop on our own handlers and exit 0.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, _request_exit, server)
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.005)
        if server.started:
            elapsed = (time.monotonic() - started) * 1000
            announce(
                f"Strato listening on http://{settings.host}:{settings.port} "
                f"(services: {', '.join(app.service_names)}; state: {settings.state_dir}; "
                f"ready in {elapsed:.0f} ms)",
            )
            for provider in platform.providers.values():
                describe = getattr(provider, "isolation", None)
                if describe is not None:
                    announce(f"Function isolation: {describe()}")
            sys.stdout.flush()
            sys.stdout.flush()
        await task

    try:
        if config.loop == "uvloop":
            import uvloop

            uvloop.run(main())
        else:
            asyncio.run(main())
    finally:
        platform.close()


def _request_exit(server: uvicorn.Server) -> None:
    # A second Ctrl-C skips waiting for open connections.
    if server.should_exit:
        server.force_exit = True
    server.should_exit = True
