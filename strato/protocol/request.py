"""The protocol-neutral view of an incoming HTTP request and outgoing response."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import parse_qsl


@dataclass
class HttpRequest:
    method: str
    raw_path: str  # percent-encoded path, without the query string
    query_string: str
    headers: dict[str, str]  # lower-case names; repeated headers joined by ","
    body: bytes | BinaryIO = b""
    body_size: int = 0
    extras_path: str = ""  # the path with a virtual-hosted bucket folded in (S3 SigV2 signs it)
    _query: list[tuple[str, str]] | None = field(default=None, repr=False)

    @property
    def query(self) -> list[tuple[str, str]]:
        if self._query is None:
            self._query = parse_qsl(self.query_string, keep_blank_values=True)
        return self._query

    def query_dict(self) -> dict[str, str]:
        return dict(self.query)

    def body_bytes(self) -> bytes:
        """The whole body in memory (only for bodies known to be small: XML, JSON, forms)."""
        if isinstance(self.body, (bytes, bytearray)):
            return bytes(self.body)
        self.body.seek(0)
        data = self.body.read()
        self.body.seek(0)
        return data


@dataclass
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Any = b""  # bytes, or an iterable of bytes chunks for streamed payloads
    content_length: int | None = None  # set for streamed bodies whose size is known
