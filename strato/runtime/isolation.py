"""How an execution environment sees its code at /var/task and its layers at /opt.

With a private mount namespace (Linux, root) the sandbox gets exactly AWS's paths without
touching the host: /var becomes an overlay whose upper layer lives in the sandbox's
scratch folder, and the code, runtime and layers are bind-mounted into it. Elsewhere each
sandbox uses its own folders and the environment variables point there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

TASK_ROOT = "/var/task"
RUNTIME_DIR = "/var/runtime"
OPT = "/opt"

_SETUP = r"""
set -e
mount -t overlay overlay -o "lowerdir=/var,upperdir=$STRATO_NS_UPPER,workdir=$STRATO_NS_WORK" /var
mkdir -p /var/task /var/runtime
mount --bind "$STRATO_NS_CODE" /var/task
mount -o remount,bind,ro /var/task
mount --bind "$STRATO_NS_RUNTIME" /var/runtime
if [ -n "$STRATO_NS_LAYERS" ]; then mount --bind "$STRATO_NS_LAYERS" /opt; else mount -t tmpfs -o size=1m tmpfs /opt; fi
if [ -n "$STRATO_NS_TMP" ]; then mount --bind "$STRATO_NS_TMP" /tmp; fi
cd /var/task
unset STRATO_NS_UPPER STRATO_NS_WORK STRATO_NS_CODE STRATO_NS_RUNTIME STRATO_NS_LAYERS STRATO_NS_TMP
exec "$@"
"""


@dataclass(frozen=True)
class Paths:
    """Where the sandbox finds things, as the function sees them."""

    task_root: str
    runtime_dir: str
    opt: str
    tmp: str


@cache
def namespaces_available() -> bool:
    """Can we give each sandbox a private mount namespace here? Checked once, by trying."""
    if os.environ.get("STRATO_ISOLATION") == "folders":
        return False
    unshare = shutil.which("unshare")
    if unshare is None or not os.path.isdir("/var"):
        return False
    probe = "mount -t tmpfs -o size=1m tmpfs /opt && mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null; true"
    try:
        r = subprocess.run(
            [unshare, "--mount", "--propagation", "private", "sh", "-c", probe],
            capture_output=True,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0 and _overlay_supported()


def _overlay_supported() -> bool:
    try:
        with open("/proc/filesystems") as f:
            return "overlay" in f.read()
    except OSError:
        return False


def describe() -> str:
    if namespaces_available():
        return "private mount namespaces (/var/task, /opt and /tmp per environment)"
    return "per-environment folders (no mount namespaces here: absolute /opt paths are not private)"


def wrap(
    argv: list[str],
    code_dir: str,
    runtime_dir: str,
    layers_dir: str | None,
    scratch: str,
    tmp_dir: str | None,
    env: dict[str, str],
) -> list[str]:
    """The command that runs `argv` inside a private namespace with AWS's paths mounted."""
    upper = os.path.join(scratch, "var-upper")
    work = os.path.join(scratch, "var-work")
    os.makedirs(upper, exist_ok=True)
    os.makedirs(work, exist_ok=True)
    env.update(
        STRATO_NS_UPPER=upper,
        STRATO_NS_WORK=work,
        STRATO_NS_CODE=code_dir,
        STRATO_NS_RUNTIME=runtime_dir,
        STRATO_NS_LAYERS=layers_dir or "",
        STRATO_NS_TMP=tmp_dir or "",
    )
    return [
        shutil.which("unshare") or "unshare",
        "--mount",
        "--propagation",
        "private",
        "/bin/sh",
        "-c",
        _SETUP,
        "sh",
        *argv,
    ]


def sandbox_paths(code_dir: str, runtime_dir: str, layers_dir: str | None, tmp_dir: str) -> Paths:
    if namespaces_available():
        return Paths(TASK_ROOT, RUNTIME_DIR, OPT, "/tmp")
    return Paths(code_dir, runtime_dir, layers_dir or os.path.join(tmp_dir, ".no-layers"), tmp_dir)
