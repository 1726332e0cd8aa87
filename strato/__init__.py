"""Strato: AWS serverless applications, unchanged, on one machine."""

__version__ = "0.1.0"
