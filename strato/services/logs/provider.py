"""The CloudWatch Logs provider: every operation Strato implements, composed by area.

Besides the AWS API, other parts of Strato (the Lambda runtime first) write and read
logs through two plain methods, without HTTP:

    append_events(account_id: str, region: str, group: str, stream: str,
                  events: list[tuple[int, str]]) -> None
        Append (timestamp ms, message) events to the stream, creating the group and the
        stream if they are missing. One store transaction; empty messages are skipped;
        no batch limits or age checks (callers are trusted). Ingestion time is the clock's.

    tail(account_id: str, region: str, group: str, stream: str, limit: int = 100)
            -> list[dict]
        The last `limit` events of the stream, oldest first, as
        {"timestamp", "message", "ingestionTime"} dicts; [] if the group or stream is
        missing. Honours the group's retention.
"""

from __future__ import annotations

from .events import LogEventOperations
from .filters import FilterOperations
from .groups import LogGroupOperations
from .search import SearchOperations
from .streams import LogStreamOperations


class LogsProvider(
    LogGroupOperations,
    LogStreamOperations,
    LogEventOperations,
    SearchOperations,
    FilterOperations,
):
    """Log groups, streams, events, search, retention, tags and filters."""

    # Other services queue log lines; they are written before any Logs call reads them.
    reads_reports = True
