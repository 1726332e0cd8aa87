"""Helpers for the example applications' end-to-end tests: deploy, invoke, poll, read logs."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def deploy(example: str, endpoint: str, *args: str) -> str:
    """Run examples/<example>/deploy.py as a reader would (AWS_ENDPOINT_URL set); its output."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / example / "deploy.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"deploy.py failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class Invocation:
    response: dict
    body: object
    log: str  # the log tail Lambda returns with LogType=Tail

    @property
    def request_id(self) -> str:
        return self.response["ResponseMetadata"]["RequestId"]

    @property
    def report(self) -> dict[str, str]:
        """The fields of the REPORT line: {"Duration": "1.23 ms", "Init Duration": ..., ...}."""
        line = next(x for x in self.log.splitlines() if x.startswith("REPORT RequestId:"))
        return dict(
            part.split(": ", 1) for part in line.removeprefix("REPORT ").split("\t") if part
        )


def invoke(lam, name: str, event: dict | None = None) -> Invocation:
    out = lam.invoke(FunctionName=name, Payload=json.dumps(event or {}), LogType="Tail")
    raw = out["Payload"].read()
    return Invocation(
        out, json.loads(raw) if raw else None, base64.b64decode(out["LogResult"]).decode()
    )


def milliseconds(text: str) -> float:
    """'2001.56 ms' -> 2001.56"""
    m = re.fullmatch(r"([\d.]+) ms", text.strip())
    assert m, text
    return float(m.group(1))


def delete_functions(lam, names: list[str]) -> None:
    """Delete what a test deployed, which also stops its execution environments."""
    for name in dict.fromkeys(names):
        try:
            lam.delete_function(FunctionName=name)
        except lam.exceptions.ResourceNotFoundException:
            pass


def wait_for(probe, what: str, timeout: float = 15.0, interval: float = 0.1):
    """Poll probe() until it returns something truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def settled(probe, quiet: float = 1.5, timeout: float = 20.0, interval: float = 0.1):
    """probe()'s value once it has stopped changing for `quiet` seconds (a growing count)."""
    deadline = time.monotonic() + timeout
    value, since = probe(), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            raise AssertionError(f"still changing after {timeout}s (last value {value!r})")
        time.sleep(interval)
        now = probe()
        if now != value:
            value, since = now, time.monotonic()
    return value


def log_messages(logs, function_name: str) -> list[str]:
    """Every message in the function's log group, oldest first ([] before it exists)."""
    messages: list[str] = []
    try:
        for page in logs.get_paginator("filter_log_events").paginate(
            logGroupName=f"/aws/lambda/{function_name}"
        ):
            messages += [e["message"] for e in page["events"]]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return messages


def started(logs, function_name: str) -> int:
    """How many invocations the function has started (its START log lines)."""
    return sum(m.startswith("START RequestId:") for m in log_messages(logs, function_name))
