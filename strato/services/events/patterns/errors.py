"""Errors the pattern engine raises, named after the AWS error codes they become."""


class InvalidEventPattern(Exception):
    """AWS's InvalidEventPatternException: the pattern text is not a valid event pattern."""

    code = "InvalidEventPatternException"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"Event pattern is not valid. Reason: {reason}")

    @property
    def message(self) -> str:
        return str(self)


class InvalidEvent(Exception):
    """AWS's ValidationException for an event TestEventPattern cannot use."""

    code = "ValidationException"

    def __init__(self, message: str = "Parameter Event is not valid.") -> None:
        self.message = message
        super().__init__(message)
