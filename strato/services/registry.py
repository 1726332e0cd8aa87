"""The services Strato hosts: their model, wire options and provider, looked up by name.

Every package under `strato/services/` that exports a `SPEC` is hosted; adding a
service is adding its folder.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from botocore.model import ServiceModel

from ..protocol import (
    HttpRequest,
    OperationRouter,
    WireOptions,
    load_model_file,
    load_service_model,
    query_error_codes,
    request_protocol,
)


@dataclass
class ServiceSpec:
    name: str  # botocore's service name
    provider_factory: Callable[[Any], Any]
    wire: WireOptions = field(default_factory=WireOptions)
    validation_error_code: str = "ValidationException"
    model_name: str | None = None
    wire_protocol: str | None = None  # one of the model's `protocols`; None: its first
    # Protocols current botocore dropped, served from an older model carried as data:
    # protocol -> path of that service-2.json (SQS's query model).
    legacy_models: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        name = self.model_name or self.name
        legacy = self.legacy_models.get(self.wire_protocol or "")
        self.model: ServiceModel = (
            load_model_file(legacy, name)
            if legacy
            else load_service_model(name, protocol=self.wire_protocol)
        )
        if self.model.is_query_compatible and "query" in self.legacy_models:
            codes = query_error_codes(load_model_file(self.legacy_models["query"], name))
            self.wire = replace(
                self.wire, query_error_codes={**codes, **self.wire.query_error_codes}
            )
        self.router = OperationRouter(self.model)
        md = self.model.metadata
        self.protocol: str = self.model.protocol
        self.signing_name: str = md.get("signingName") or md.get("endpointPrefix") or self.name
        self.target_prefix: str | None = md.get("targetPrefix")
        self._variants: dict[str, ServiceSpec] = {}

    def for_request(self, req: HttpRequest) -> ServiceSpec:
        """This service as the request's protocol speaks it: same provider, that protocol's model."""
        protocol = request_protocol(self.model, req, self.legacy_models)
        if protocol == self.protocol:
            return self
        variant = self._variants.get(protocol)
        if variant is None:
            variant = self._variants[protocol] = replace(self, wire_protocol=protocol)
        return variant


def hosted_services() -> list[ServiceSpec]:
    from .. import services

    specs = []
    for info in sorted(pkgutil.iter_modules(services.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{services.__name__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, ServiceSpec):
            specs.append(spec)
    return specs
