"""Lambda fixtures: zip builders and functions that are deleted after each test."""

from __future__ import annotations

import uuid

import pytest
from lambda_helpers import ROLE, make_zip


@pytest.fixture(scope="session")
def lam(client_factory):
    return client_factory("lambda", read_timeout=120)


@pytest.fixture
def create_function(lam):
    created: list[str] = []

    def create(
        files: dict[str, str | bytes],
        runtime: str = "python3.12",
        handler: str = "app.handler",
        name: str | None = None,
        modes=None,
        **kwargs,
    ):
        name = name or f"fn-{uuid.uuid4().hex[:12]}"
        lam.create_function(
            FunctionName=name,
            Runtime=runtime,
            Role=ROLE,
            Handler=handler,
            Code={"ZipFile": make_zip(files, modes)},
            **kwargs,
        )
        created.append(name)
        return name

    yield create
    for name in created:
        try:
            lam.delete_function(FunctionName=name)
        except Exception:
            pass
