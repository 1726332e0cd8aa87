"""Peers shared by the side-by-side benchmark runners (run_s3.py, run_lambda.py, run_dynamodb.py).

Starting, probing and stopping each server (Strato, moto, ministack, the stub),
measuring its RSS, the small statistics and report helpers every runner uses, and
the py-spy profile of a loop against Strato's server.
Never part of the test suite; see benchmarks/README.md.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALL_PEERS = ["strato", "moto", "ministack", "stub"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- peers


@dataclass
class Peer:
    name: str
    argv: list[str]
    env: dict[str, str]
    health_path: str = "/"
    need_200: bool = False  # strato: wait for a 200 from its health endpoint
    port: int = 0
    workdir: str = ""
    proc: subprocess.Popen | None = None
    error: str | None = None
    startup_ms: float | None = None
    rss_idle_mb: float | None = None
    rss_after_mb: float | None = None
    version: str | None = None
    results: dict[str, dict] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ok(self) -> bool:
        return self.error is None and self.proc is not None and self.proc.poll() is None

    def log_tail(self) -> str:
        try:
            return (Path(self.workdir) / "server.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""


def peer_python(name: str, module: str) -> str | None:
    """Interpreter that can import `module`: $<NAME>_PYTHON, this one, or benchmarks/.venv.

    ministack pins an exact botocore; installing it into its own venv
    (benchmarks/.venv) keeps the system botocore that Strato and awscli use.
    """
    candidates = [os.environ.get(f"{name.upper()}_PYTHON"), sys.executable]
    venv = HERE / ".venv" / "bin" / "python"
    if venv.exists():
        candidates.append(str(venv))
    for py in candidates:
        if not py:
            continue
        # cwd="/" so a package in the current directory does not count as installed
        try:
            r = subprocess.run([py, "-c", f"import {module}"], capture_output=True, cwd="/")
        except OSError:
            continue
        if r.returncode == 0:
            return py
    return None


def module_version(py: str, dist: str) -> str | None:
    r = subprocess.run(
        [py, "-c", f"import importlib.metadata as m; print(m.version({dist!r}))"],
        capture_output=True,
        text=True,
    )
    return r.stdout.strip() or None


def make_peer(name: str, extra_env: dict[str, str] | None = None) -> Peer:
    port = free_port()
    workdir = tempfile.mkdtemp(prefix=f"bench-{name}-")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    if name == "strato":
        py = peer_python(name, "strato")
        argv = [py or sys.executable, "-m", "strato", "up", "--port", str(port)]
        argv += ["--state-dir", os.path.join(workdir, "state")]
        peer = Peer(name, argv, env, health_path="/_strato/health", need_200=True)
    elif name == "moto":
        py = peer_python(name, "moto.server")
        argv = [py or sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        peer = Peer(name, argv, env)
    elif name == "ministack":
        py = peer_python(name, "ministack")
        env.update(
            GATEWAY_PORT=str(port),
            BIND_HOST="127.0.0.1",
            LOG_LEVEL="WARNING",
            S3_DATA_DIR=os.path.join(workdir, "s3"),
            TMPDIR=workdir,  # its PID file and any scratch files
        )
        peer = Peer(name, [py or sys.executable, "-m", "ministack"], env)
    elif name == "stub":
        py = sys.executable
        peer = Peer(name, [py, str(HERE / "stub_server.py"), "--port", str(port)], env)
    else:
        raise SystemExit(f"unknown peer {name!r}; choose from {','.join(ALL_PEERS)}")
    peer.port, peer.workdir = port, workdir
    dist = {"strato": "strato", "moto": "moto", "ministack": "ministack", "stub": "uvicorn"}[name]
    if py is None:
        peer.error = f"not installed (no interpreter can import it; pip install {dist})"
    else:
        peer.version = module_version(py, dist)
    return peer


def start_peer(peer: Peer, timeout: float = 60.0) -> None:
    """Spawn, then poll until the first HTTP answer (a 200 for strato's health)."""
    if peer.error:
        return
    log = open(Path(peer.workdir) / "server.log", "wb")
    t0 = time.perf_counter()
    try:
        peer.proc = subprocess.Popen(
            peer.argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=peer.env,
            cwd=peer.workdir,
            start_new_session=True,
        )
    except OSError as e:
        peer.error = f"could not start: {e}"
        return
    url = peer.endpoint + peer.health_path
    deadline = t0 + timeout
    while time.perf_counter() < deadline:
        if peer.proc.poll() is not None:
            peer.error = f"exited with {peer.proc.returncode} before answering"
            print(f"[{peer.name}] {peer.error}:\n{peer.log_tail()}", file=sys.stderr)
            return
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        except (OSError, ValueError):
            time.sleep(0.005)
            continue
        if status == 200 or not peer.need_200:
            peer.startup_ms = (time.perf_counter() - t0) * 1000
            return
        time.sleep(0.005)
    peer.error = f"no HTTP answer within {timeout:.0f} s"
    stop_peer(peer)


def stop_peer(peer: Peer) -> None:
    proc = peer.proc
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def rss_mb(pid: int) -> float | None:
    """VmRSS of pid plus every descendant, in MiB (None off Linux)."""
    if not os.path.isdir("/proc"):
        return None
    tree = _children()
    total_kb, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        break
        except OSError:
            pass
        todo.extend(tree.get(p, []))
    return total_kb / 1024


# ------------------------------------------------------------------------- helpers


def start_all(peers: list[Peer]) -> None:
    """Start every peer in turn; read its idle RSS once it has settled."""
    for p in peers:
        start_peer(p)
        if p.ok:
            time.sleep(0.5)  # let it settle before reading idle RSS
            p.rss_idle_mb = rss_mb(p.proc.pid)
            print(f"[{p.name}] ready in {p.startup_ms:.0f} ms, idle RSS {p.rss_idle_mb:.1f} MiB")
        else:
            print(f"[{p.name}] n/a: {p.error}")


def make_client(endpoint: str, service: str = "s3", **config_kwargs):
    """A boto3 client on `endpoint`: test credentials, us-east-1, one attempt, no retries."""
    import boto3
    from botocore.config import Config

    kwargs = {
        "region_name": "us-east-1",
        "retries": {"total_max_attempts": 1, "mode": "standard"},
        "connect_timeout": 10,
        "read_timeout": 60,
        **config_kwargs,
    }
    if service == "s3":
        kwargs.setdefault("s3", {"addressing_style": "path"})
    # its own session: boto3's default session is not safe to share across threads
    return boto3.session.Session().client(
        service,
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(**kwargs),
    )


def percentile(samples: list[float], q: float) -> float:
    s = sorted(samples)
    idx = min(len(s) - 1, max(0, round(q * (len(s) - 1))))
    return s[idx]


def summary(samples: list[float]) -> dict:
    return {
        "median_ms": statistics.median(samples),
        "p90_ms": percentile(samples, 0.9),
        "p99_ms": percentile(samples, 0.99),
        "mean_ms": statistics.fmean(samples),
        "min_ms": min(samples),
        "max_ms": max(samples),
    }


def fmt(v: float | None, digits: int = 2) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def peers_table(peers: list[Peer]) -> list[str]:
    """The per-peer table: version, startup, idle RSS and RSS after load."""
    lines = [
        "| peer | version | startup to ready (ms) | idle RSS (MiB) | RSS after load (MiB) |",
        "|---|---|---|---|---|",
    ]
    for p in peers:
        status = p.version or "?"
        if p.error:
            status += f" — n/a: {p.error}"
        lines.append(
            f"| {p.name} | {status} | {fmt(p.startup_ms, 0)} | {fmt(p.rss_idle_mb, 1)} "
            f"| {fmt(p.rss_after_mb, 1)} |"
        )
    return lines


def write_results(out_dir: str, prefix: str, quick: bool, peers: list[Peer], extra: dict) -> Path:
    """Write `<prefix>-<UTC time>[-quick].json` with machine info, every peer and `extra`."""
    import boto3
    import botocore

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{prefix}-{stamp}{'-quick' if quick else ''}.json"
    doc = {
        "when": stamp,
        "quick": quick,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "boto3": boto3.__version__,
            "botocore": botocore.__version__,
        },
        **extra,
        "peers": {
            p.name: {
                "version": p.version,
                "argv": p.argv,
                "error": p.error,
                "startup_ms": p.startup_ms,
                "rss_idle_mb": p.rss_idle_mb,
                "rss_after_mb": p.rss_after_mb,
                "results": p.results,
            }
            for p in peers
        },
    }
    path.write_text(json.dumps(doc, indent=2))
    return path


# ------------------------------------------------------------------------- profile

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>.*):(?P<line>\d+)\)$")


def _frame_key(frame: str) -> str:
    m = _FRAME.match(frame)
    if not m:
        return frame
    path = m["file"]
    for marker in ("/site-packages/", "/lib/python3."):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    if "/strato/" in path:
        path = "strato/" + path.rsplit("/strato/", 1)[1]
    return f"{path}:{m['func']}"


def hotspots(raw: Path, top: int = 15) -> dict:
    """Self and inclusive shares per file:function from py-spy's raw (collapsed) output."""
    total, own, incl = 0, {}, {}
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        count = int(n)
        total += count
        frames = [_frame_key(f) for f in stack.split(";")]
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for f in set(frames):
            incl[f] = incl.get(f, 0) + count

    def ranked(d: dict) -> list:
        return [[k, round(v / total, 4)] for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:top]]

    # frames on every stack (the interpreter's and the server's entry points) say nothing
    incl = {k: v for k, v in incl.items() if v < total}
    return {"samples": total, "self": ranked(own), "inclusive": ranked(incl)} if total else {}


def profile_loop(peer: Peer, out_dir: Path, key: str, call: Callable, iterations: int) -> dict:
    """Run `call` `iterations` times while py-spy samples the peer's server process.

    Writes py-spy's raw (collapsed-stack) profile to `out_dir/<peer>-<key>.txt` and
    returns the loop's wall time with the top self and inclusive `file:function` shares.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = out_dir / f"{peer.name}-{key}.txt"
    argv = ["py-spy", "record", "--pid", str(peer.proc.pid), "--rate", "1000"]
    argv += ["--format", "raw", "--output", str(raw)]
    spy = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # py-spy attaches
    t0 = time.perf_counter()
    for _ in range(iterations):
        call()
    wall = time.perf_counter() - t0
    spy.send_signal(signal.SIGINT)
    try:
        _, err = spy.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        spy.kill()
        _, err = spy.communicate()
    if not raw.exists():
        return {"error": err.decode(errors="replace")[-300:]}
    result = {"raw": str(raw), "loop_wall_s": wall, **hotspots(raw)}
    print(f"    py-spy ({key}): {result.get('samples', 0)} samples, {wall:.2f} s loop; self:")
    for name, share in result.get("self", [])[:10]:
        print(f"      {share * 100:5.1f}%  {name}")
    return result


def record_rss_after_load(peers: list[Peer]) -> None:
    for p in peers:
        if p.ok:
            p.rss_after_mb = rss_mb(p.proc.pid)


def stop_all(peers: list[Peer]) -> None:
    for p in peers:
        stop_peer(p)


def report(
    out_dir: str,
    prefix: str,
    quick: bool,
    peers: list[Peer],
    labels: dict,
    table: str,
    goals: list[str] | None = None,
) -> int:
    """Print the table (and targets), write the results JSON, clean the peers' work folders."""
    print()
    print(table)
    extra: dict = {"workloads": labels, "table": table}
    if goals is not None:
        print()
        print("\n".join(goals))
        extra["targets"] = goals
    path = write_results(out_dir, prefix, quick, peers, extra)
    print(f"\nresults: {path}")
    for p in peers:
        shutil.rmtree(p.workdir, ignore_errors=True)
    return 0
