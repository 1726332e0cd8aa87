"""The HTTP entry point: one ASGI app that serves every hosted AWS API."""

from .app import StratoApp

__all__ = ["StratoApp"]
