"""The one error a filter pattern can raise; the provider turns it into InvalidParameterException."""

from __future__ import annotations


class FilterPatternError(ValueError):
    """The text is not a CloudWatch Logs filter pattern; `reason` says where it went wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
