"""Lambda fixtures: zip builders and functions that are deleted after each test."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def make_zip(files: dict[str, str | bytes], modes: dict[str, int] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644)) << 16
            zf.writestr(info, content)
    return buf.getvalue()


@pytest.fixture(scope="session")
def lam(client_factory):
    return client_factory("lambda", read_timeout=120)


@pytest.fixture
def create_function(lam):
    created: list[str] = []

    def create(files: dict[str, str | bytes], runtime: str = "python3.12", handler: str = "app.handler", name: str | None = None, modes=None, **kwargs):
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


def invoke_json(lam, name: str, event=None, **kwargs):
    out = lam.invoke(FunctionName=name, Payload=json.dumps(event if event is not None else {}), **kwargs)
    body = out["Payload"].read()
    return out, json.loads(body) if body else None
