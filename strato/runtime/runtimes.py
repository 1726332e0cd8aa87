"""Which host program runs each Lambda runtime, and how it finds the function's code and SDK."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache

CLIENTS = os.path.join(os.path.dirname(__file__), "clients")
PYTHON_RUNTIMES = {f"python3.{m}" for m in range(8, 15)}
NODE_RUNTIMES = {f"nodejs{m}.x" for m in (14, 16, 18, 20, 22, 24)}
PROVIDED_RUNTIMES = {"provided", "provided.al2", "provided.al2023"}


class RuntimeUnavailable(Exception):
    """The function's runtime cannot run on this host."""


@dataclass(frozen=True)
class Launch:
    family: str  # "python", "node" or "provided"
    argv: tuple[str, ...]  # what the exec wrapper (if any) gets as "$@"
    note: str | None  # said once in the function's log (e.g. a version stand-in)


def family(runtime: str) -> str:
    if runtime in PYTHON_RUNTIMES:
        return "python"
    if runtime in NODE_RUNTIMES:
        return "node"
    if runtime in PROVIDED_RUNTIMES:
        return "provided"
    raise RuntimeUnavailable(f"Strato cannot run {runtime} functions on this host yet")


def launch(runtime: str, task_root: str) -> Launch:
    kind = family(runtime)
    if kind == "python":
        python = host_python()
        have = _python_version(python)
        want = runtime.removeprefix("python")
        note = None if have == want else f"Strato runs {runtime} on the host's Python {have}."
        # -S: only the function's code, its layers and the runtime's SDK are importable.
        return Launch(
            kind, (python, "-S", "-u", os.path.join(CLIENTS, "python", "bootstrap.py")), note
        )
    if kind == "node":
        node = shutil.which("node")
        if node is None:
            raise RuntimeUnavailable(
                f"{runtime} needs Node.js, which is not installed on this host"
            )
        have = node_major()
        want = runtime.removeprefix("nodejs").removesuffix(".x")
        note = None if str(have) == want else f"Strato runs {runtime} on the host's Node.js {have}."
        return Launch(kind, (node, os.path.join(CLIENTS, "node", "bootstrap.mjs")), note)
    return Launch(kind, (os.path.join(task_root, "bootstrap"),), None)


@cache
def host_python() -> str:
    """The real interpreter behind this process (not a venv shim, which needs site)."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return os.path.realpath(base)


@cache
def _python_version(python: str) -> str:
    if os.path.realpath(python) == os.path.realpath(sys.executable) or python == host_python():
        return f"{sys.version_info.major}.{sys.version_info.minor}"
    out = subprocess.run(
        [python, "-c", "import sys;print('%d.%d'%sys.version_info[:2])"],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


@cache
def node_major() -> int:
    node = shutil.which("node")
    if node is None:
        return 0
    out = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    m = re.match(r"v(\d+)", out.strip())
    return int(m.group(1)) if m else 0


def runtime_minor(runtime: str) -> str:
    """'3.12' for python3.12 (the layer site-packages folder name)."""
    return runtime.removeprefix("python")
