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
def load_service_model(name: str, api_version: str | None = None) -> botocore.model.ServiceModel:
    data = _loader().load_service_model(name, "service-2", api_version)
    return botocore.model.ServiceModel(data, service_name=name)


def load_model_file(path: str, name: str) -> botocore.model.ServiceModel:
    with open(path) as f:
        return botocore.model.ServiceModel(json.load(f), service_name=name)
