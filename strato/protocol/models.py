"""Loading botocore service models (and older models Strato carries as data)."""

from __future__ import annotations

import json
import os
from functools import cache

import botocore.loaders
import botocore.model

_DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "models")


@cache
def _loader() -> botocore.loaders.Loader:
    loader = botocore.loaders.Loader()
    if os.path.isdir(_DATA_DIR):
        loader.search_paths.insert(0, _DATA_DIR)
    return loader


@cache
def load_service_model(
    name: str, api_version: str | None = None, protocol: str | None = None
) -> botocore.model.ServiceModel:
    """The model; with `protocol`, as that one of its `protocols` (CloudWatch speaks three)."""
    data = _loader().load_service_model(name, "service-2", api_version)
    if protocol is not None and protocol != data["metadata"].get("protocol"):
        offered = data["metadata"].get("protocols") or [data["metadata"].get("protocol")]
        if protocol not in offered:
            raise ValueError(f"{name} does not speak {protocol}")
        # The loader caches `data`; the variant gets its own metadata and shares the rest.
        data = {**data, "metadata": {**data["metadata"], "protocol": protocol}}
    return botocore.model.ServiceModel(data, service_name=name)


@cache
def load_model_file(path: str, name: str) -> botocore.model.ServiceModel:
    with open(path) as f:
        return botocore.model.ServiceModel(json.load(f), service_name=name)


def query_error_codes(model: botocore.model.ServiceModel) -> dict[str, str]:
    """Error shape name -> wire code, where they differ (an older query model's legacy codes)."""
    codes = {}
    for name in model.shape_names:
        shape = model.shape_for(name)
        code = shape.metadata.get("error", {}).get("code")
        if shape.metadata.get("exception") and code and code != name:
            codes[name] = code
    return codes
