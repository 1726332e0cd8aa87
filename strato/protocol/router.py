"""Find the operation an HTTP request calls, from the service model alone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from botocore.model import OperationModel, ServiceModel

from .errors import ServiceError
from .request import HttpRequest

_LABEL = re.compile(r"\{([^}]+?)(\+?)\}")
# smithy-rpc-v2-cbor: POST [prefix]/service/{ServiceName}/operation/{OperationName}
_RPC_V2_PATH = re.compile(r"/service/([^/]+)/operation/([^/]+)/?$")
# Newer models add ?x-id=Op to request URIs; older clients never send it.
_IGNORED_QUERY_LITERALS = {"x-id"}


@dataclass
class _Route:
    op: OperationModel
    method: str
    pattern: re.Pattern
    labels: dict[str, tuple[str, bool]]  # regex group -> (label name, greedy)
    query_literals: list[tuple[str, str | None]]
    required_query: list[str]
    required_headers: list[str]
    literal_len: int

    def has_literals(self, query: dict[str, str]) -> bool:
        return all(k in query and (v is None or query[k] == v) for k, v in self.query_literals)

    def has_required(self, req: HttpRequest, query: dict[str, str]) -> bool:
        return all(k in query for k in self.required_query) and all(
            h in req.headers for h in self.required_headers
        )

    def label_values(self, m: re.Match) -> dict[str, str]:
        return {name: unquote(m.group(group)) for group, (name, _) in self.labels.items()}

    def score(self) -> tuple:
        deprecated = 1 if self.op.deprecated else 0
        return (
            len(self.query_literals),
            len(self.required_query) + len(self.required_headers),
            -deprecated,
            self.literal_len,
        )


class OperationRouter:
    """Maps (method, path, query, headers) or a target/action name to an operation."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.protocol = model.protocol
        self._by_name = {name: model.operation_model(name) for name in model.operation_names}
        self._routes: dict[str, list[_Route]] = {}
        if self.protocol in ("rest-json", "rest-xml"):
            for op in self._by_name.values():
                route = _compile(op)
                self._routes.setdefault(route.method, []).append(route)
            for routes in self._routes.values():
                routes.sort(key=_Route.score, reverse=True)

    def by_name(self, name: str) -> OperationModel | None:
        return self._by_name.get(name)

    def match_rpc_v2(self, req: HttpRequest) -> OperationModel:
        """The operation a smithy-rpc-v2 request names in its path."""
        m = _RPC_V2_PATH.search(req.raw_path)
        op = self._by_name.get(unquote(m.group(2))) if m else None
        if op is None or req.method != "POST":
            raise ServiceError(
                "UnknownOperationException",
                f"No {self.model.service_name} operation matches {req.method} {req.raw_path}",
                404,
            )
        return op

    def match_rest(self, req: HttpRequest, path: str) -> tuple[OperationModel, dict[str, str]]:
        """The best-scoring route for a rest request; `path` is the raw (encoded) path."""
        query = req.query_dict()
        # Routes come most query literals first. A request missing a required parameter still
        # names its operation by path and literals (?attributes, ?uploads), and then fails
        # validation as AWS does, rather than falling through to a looser route.
        lax: tuple[_Route, re.Match] | None = None
        for route in self._routes.get(req.method, ()):
            if lax is not None and len(route.query_literals) < len(lax[0].query_literals):
                break
            m = route.pattern.match(path)
            if m is None or not route.has_literals(query):
                continue
            if route.has_required(req, query):
                return route.op, route.label_values(m)
            lax = lax or (route, m)
        if lax is not None:
            return lax[0].op, lax[0].label_values(lax[1])
        raise ServiceError(
            "UnknownOperationException",
            f"No {self.model.service_name} operation matches {req.method} {path}",
            404,
        )


def _compile(op: OperationModel) -> _Route:
    uri = op.http.get("requestUri", "/")
    path, _, query = uri.partition("?")
    literals: list[tuple[str, str | None]] = []
    for part in filter(None, query.split("&")):
        k, eq, v = part.partition("=")
        if k not in _IGNORED_QUERY_LITERALS:
            literals.append((k, v if eq else None))
    regex = ["^"]
    labels: dict[str, tuple[str, bool]] = {}
    pos = 0
    literal_len = 0
    for i, m in enumerate(_LABEL.finditer(path)):
        literal = path[pos : m.start()]
        regex.append(re.escape(literal))
        literal_len += len(literal)
        group = f"g{i}"
        greedy = m.group(2) == "+"
        regex.append(f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)")
        labels[group] = (m.group(1), greedy)
        pos = m.end()
    tail = path[pos:]
    literal_len += len(tail)
    regex.append(re.escape(tail.rstrip("/")))
    regex.append("/?$")
    required_query: list[str] = []
    required_headers: list[str] = []
    shape = op.input_shape
    if shape is not None:
        required = set(shape.required_members)
        for name, member in shape.members.items():
            if name not in required:
                continue
            loc = member.serialization.get("location")
            where = member.serialization.get("name", name)
            if loc == "querystring":
                required_query.append(where)
            elif loc == "header":
                required_headers.append(where.lower())
    return _Route(
        op=op,
        method=op.http.get("method", "POST"),
        pattern=re.compile("".join(regex)),
        labels=labels,
        query_literals=literals,
        required_query=required_query,
        required_headers=required_headers,
        literal_len=literal_len,
    )


def request_protocol(
    model: ServiceModel, req: HttpRequest, also_offered: Iterable[str] = ()
) -> str:
    """Which of the model's protocols a request speaks; older SDKs keep sending older ones.

    `also_offered`: protocols served from an older model the service carries as data."""
    offered = [*(model.metadata.get("protocols") or [model.protocol]), *also_offered]
    if len(offered) == 1:
        return model.protocol
    headers = req.headers
    if "smithy-rpc-v2-cbor" in offered and headers.get("smithy-protocol") == "rpc-v2-cbor":
        return "smithy-rpc-v2-cbor"
    if "json" in offered and "x-amz-target" in headers:
        return "json"
    if "query" in offered and (
        "x-www-form-urlencoded" in headers.get("content-type", "")
        or any(k == "Action" for k, _ in req.query)
    ):
        return "query"
    return model.protocol
