"""CloudWatch Logs filter patterns: terms, JSON `{ ... }`, space-delimited `[ ... ]` and `%regex%`."""

from .compiler import FilterPattern, compile_pattern
from .errors import FilterPatternError

__all__ = ["FilterPattern", "FilterPatternError", "compile_pattern"]
