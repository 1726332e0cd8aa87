"""Helpers for Lambda tests: deployment zips and JSON invocations."""

from __future__ import annotations

import io
import json
import zipfile

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def make_zip(files: dict[str, str | bytes], modes: dict[str, int] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644)) << 16
            zf.writestr(info, content)
    return buf.getvalue()


def invoke_json(lam, name: str, event=None, **kwargs):
    out = lam.invoke(
        FunctionName=name, Payload=json.dumps(event if event is not None else {}), **kwargs
    )
    body = out["Payload"].read()
    return out, json.loads(body) if body else None
