"""Side-by-side S3 benchmark: Strato vs moto's server vs ministack vs a stub floor.

    python3 benchmarks/run_s3.py [--quick] [--peers strato,moto,ministack,stub]

Every peer runs on a free loopback port at the same time; each workload is run
against every peer in turn with the same boto3 client settings, so ratios in one
run are comparable even when absolute times on a shared machine are not.
Never part of the test suite; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
KIB = b"x" * 1024
MIB = b"y" * (1024 * 1024)


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


def _peer_python(name: str, module: str) -> str | None:
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


def _module_version(py: str, dist: str) -> str | None:
    r = subprocess.run(
        [py, "-c", f"import importlib.metadata as m; print(m.version({dist!r}))"],
        capture_output=True,
        text=True,
    )
    return r.stdout.strip() or None


def make_peer(name: str) -> Peer:
    port = free_port()
    workdir = tempfile.mkdtemp(prefix=f"bench-{name}-")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if name == "strato":
        py = _peer_python(name, "strato")
        argv = [py or sys.executable, "-m", "strato", "up", "--port", str(port)]
        argv += ["--state-dir", os.path.join(workdir, "state")]
        peer = Peer(name, argv, env, health_path="/_strato/health", need_200=True)
    elif name == "moto":
        py = _peer_python(name, "moto.server")
        argv = [py or sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        peer = Peer(name, argv, env)
    elif name == "ministack":
        py = _peer_python(name, "ministack")
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
        peer.version = _module_version(py, dist)
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


# ----------------------------------------------------------------------- workloads


def make_client(endpoint: str):
    import boto3
    from botocore.config import Config

    config = Config(
        region_name="us-east-1",
        s3={"addressing_style": "path"},
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=10,
        read_timeout=60,
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=config,
    )


@dataclass
class Workload:
    key: str
    label: str
    iterations: int
    warmup: int
    setup: Callable | None  # (client, bucket) -> None, untimed
    op: Callable  # (client, bucket, i) -> None, timed


def _put(size_body: bytes, prefix: str):
    def op(c, b, i):
        c.put_object(Bucket=b, Key=f"{prefix}/{i}", Body=size_body)

    return op


def _get(key: str):
    def op(c, b, i):
        c.get_object(Bucket=b, Key=key)["Body"].read()

    return op


def _setup_get(key: str, body: bytes):
    def setup(c, b):
        c.put_object(Bucket=b, Key=key, Body=body)

    return setup


def _setup_list(c, b):
    for i in range(1000):
        c.put_object(Bucket=b, Key=f"list/{i:04d}", Body=b"z")


def _list(c, b, i):
    r = c.list_objects_v2(Bucket=b, Prefix="list/", MaxKeys=1000)
    n = len(r.get("Contents", []))
    if n != 1000:
        raise AssertionError(f"list returned {n} keys, expected 1000")


def _setup_versioning(c, b):
    c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})


def _vput(c, b, i):
    c.put_object(Bucket=b, Key="versioned/one-key", Body=KIB)


def _list_versions(expected: int):
    def op(c, b, i):
        r = c.list_object_versions(Bucket=b, Prefix="versioned/one-key")
        n = len(r.get("Versions", []))
        if n != expected:
            raise AssertionError(f"list_object_versions returned {n}, expected {expected}")

    return op


def workloads(quick: bool) -> list[Workload]:
    small, small_w = (30, 5) if quick else (200, 20)
    big, big_w = (5, 1) if quick else (30, 3)
    lst, lst_w = (5, 1) if quick else (20, 2)
    nversions = small + small_w
    return [
        Workload("put_1k", "S3 put 1 KiB", small, small_w, None, _put(KIB, "put1k")),
        Workload("get_1k", "S3 get 1 KiB", small, small_w, _setup_get("get1k", KIB), _get("get1k")),
        Workload("put_1m", "S3 put 1 MiB", big, big_w, None, _put(MIB, "put1m")),
        Workload("get_1m", "S3 get 1 MiB", big, big_w, _setup_get("get1m", MIB), _get("get1m")),
        Workload(
            "list_1000",
            "list_objects_v2, 1,000 keys (one call)",
            lst,
            lst_w,
            _setup_list,
            _list,
        ),
        Workload("vput_1k", "S3 put 1 KiB, versioned bucket, one key", small, small_w, None, _vput),
        Workload(
            "list_versions",
            f"list_object_versions, {nversions} versions of one key",
            lst,
            lst_w,
            None,
            _list_versions(nversions),
        ),
    ]


def percentile(samples: list[float], q: float) -> float:
    s = sorted(samples)
    idx = min(len(s) - 1, max(0, round(q * (len(s) - 1))))
    return s[idx]


def run_workload(peer: Peer, client, bucket: str, w: Workload) -> dict:
    if w.setup:
        w.setup(client, bucket)
    for i in range(w.warmup):
        w.op(client, bucket, -1 - i)
    samples = []
    for i in range(w.iterations):
        t = time.perf_counter_ns()
        w.op(client, bucket, i)
        samples.append((time.perf_counter_ns() - t) / 1e6)
    return {
        "median_ms": statistics.median(samples),
        "p90_ms": percentile(samples, 0.9),
        "mean_ms": statistics.fmean(samples),
        "min_ms": min(samples),
        "max_ms": max(samples),
        "iterations": w.iterations,
        "warmup": w.warmup,
    }


# -------------------------------------------------------------------------- report


def _fmt(v: float | None, digits: int = 2) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def _cell(peer: Peer, key: str) -> str:
    r = peer.results.get(key)
    if not r or "error" in r:
        return "n/a"
    return f"{r['median_ms']:.2f} ({r['p90_ms']:.2f})"


def _median(peer: Peer | None, key: str) -> float | None:
    if peer is None:
        return None
    r = peer.results.get(key)
    return r["median_ms"] if r and "error" not in r else None


def render(peers: list[Peer], wls: list[Workload]) -> str:
    by = {p.name: p for p in peers}
    strato = by.get("strato")
    lines = []
    head = ["workload"] + [f"{p.name} ms/op" for p in peers]
    ratio_cols = [n for n in ("moto", "ministack") if n in by and strato]
    head += [f"{n}/strato" for n in ratio_cols]
    if strato and "stub" in by:
        head.append("strato - stub (ms)")
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for w in wls:
        row = [w.label] + [_cell(p, w.key) for p in peers]
        s = _median(strato, w.key)
        for n in ratio_cols:
            o = _median(by[n], w.key)
            row.append(f"{o / s:.2f}x" if o is not None and s else "n/a")
        if strato and "stub" in by:
            f = _median(by["stub"], w.key)
            row.append(f"{s - f:+.2f}" if s is not None and f is not None else "n/a")
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append(
        "| peer | version | startup to ready (ms) | idle RSS (MiB) | RSS after load (MiB) |"
    )
    lines.append("|---|---|---|---|---|")
    for p in peers:
        status = p.version or "?"
        if p.error:
            status += f" — n/a: {p.error}"
        lines.append(
            f"| {p.name} | {status} | {_fmt(p.startup_ms, 0)} | {_fmt(p.rss_idle_mb, 1)} "
            f"| {_fmt(p.rss_after_mb, 1)} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few iterations: a smoke run")
    parser.add_argument("--peers", default=",".join(ALL_PEERS), help="comma-separated subset")
    parser.add_argument("--out", default=str(HERE / "results"), help="directory for JSON")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.peers.split(",") if n.strip()]
    try:
        import boto3  # noqa: F401
    except ImportError:
        print("boto3 is needed: pip install boto3", file=sys.stderr)
        return 2

    peers = [make_peer(n) for n in names]
    wls = workloads(args.quick)
    try:
        for p in peers:
            start_peer(p)
            if p.ok:
                time.sleep(0.5)  # let it settle before reading idle RSS
                p.rss_idle_mb = rss_mb(p.proc.pid)
                print(
                    f"[{p.name}] ready in {p.startup_ms:.0f} ms, idle RSS {p.rss_idle_mb:.1f} MiB"
                )
            else:
                print(f"[{p.name}] n/a: {p.error}")

        clients = {}
        for p in peers:
            if not p.ok:
                continue
            try:
                c = make_client(p.endpoint)
                for w in wls:
                    c.create_bucket(Bucket=f"bench-{w.key.replace('_', '-')}")
                _setup_versioning(c, "bench-vput-1k")
                clients[p.name] = c
            except Exception as e:  # noqa: BLE001 - a peer that cannot even do this is n/a
                p.error = f"bucket setup failed: {type(e).__name__}: {e}"
                print(f"[{p.name}] n/a: {p.error}")

        for w in wls:
            for p in peers:
                if p.name not in clients or not p.ok:
                    continue
                # list_versions reads the bucket vput_1k filled
                bucket = "bench-vput-1k" if w.key == "list_versions" else f"bench-{w.key}"
                bucket = bucket.replace("_", "-")
                try:
                    p.results[w.key] = run_workload(p, clients[p.name], bucket, w)
                    r = p.results[w.key]
                    print(
                        f"  {w.label:<48} {p.name:<10} median {r['median_ms']:8.2f} ms"
                        f"  p90 {r['p90_ms']:8.2f} ms"
                    )
                except Exception as e:  # noqa: BLE001 - report, keep going
                    p.results[w.key] = {"error": f"{type(e).__name__}: {e}"}
                    print(f"  {w.label:<48} {p.name:<10} FAILED {type(e).__name__}: {e}")
        for p in peers:
            if p.ok:
                p.rss_after_mb = rss_mb(p.proc.pid)
    finally:
        for p in peers:
            stop_peer(p)

    table = render(peers, wls)
    print()
    print(table)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"s3-{stamp}{'-quick' if args.quick else ''}.json"
    import boto3
    import botocore

    doc = {
        "when": stamp,
        "quick": args.quick,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "boto3": boto3.__version__,
            "botocore": botocore.__version__,
        },
        "workloads": {w.key: w.label for w in wls},
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
        "table": table,
    }
    path.write_text(json.dumps(doc, indent=2))
    print(f"\nresults: {path}")
    for p in peers:
        shutil.rmtree(p.workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
