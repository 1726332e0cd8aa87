"""Peers and the run loop shared by the side-by-side benchmark runners (benchmarks/run_*.py).

Starting, probing and stopping each server (Strato, moto, ministack, the stub),
measuring its RSS; the command line, the workload x peer loop, the timed loop, the
comparison table, target lines and results file every runner uses; and the py-spy
profile of a loop against Strato's server.
Never part of the test suite; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALL_PEERS = ["strato", "moto", "ministack", "stub"]
PROFILE: dict = {}  # "dir", "iterations": set by cli() when --py-spy is given


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


# ---------------------------------------------------------------------- run loop


class NotSupported(Exception):
    """The peer cannot run this workload at all: shown as n/a with the reason."""


def cli(
    doc: str,
    argv: list[str] | None = None,
    default_peers: list[str] = ALL_PEERS,
    py_spy: str | None = None,
) -> argparse.Namespace:
    """--quick, --peers, --out (and --py-spy DIR, --py-spy-iterations N when `py_spy` says
    what is profiled); `args.names` is the peer list. Exits 2 without boto3 (or py-spy)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few iterations: a smoke run")
    parser.add_argument("--peers", default=",".join(default_peers), help="comma-separated subset")
    parser.add_argument("--out", default=str(HERE / "results"), help="directory for JSON")
    if py_spy:
        parser.add_argument("--py-spy", metavar="DIR", help=py_spy)
        parser.add_argument(
            "--py-spy-iterations",
            type=int,
            default=2000,
            metavar="N",
            help="calls in each profiled loop (default 2000: a few seconds of samples)",
        )
    args = parser.parse_args(argv)
    args.names = [n.strip() for n in args.peers.split(",") if n.strip()]
    if getattr(args, "py_spy", None):
        if shutil.which("py-spy") is None:
            parser.exit(2, "--py-spy needs py-spy on PATH: pip install py-spy\n")
        PROFILE.update(dir=os.path.abspath(args.py_spy), iterations=args.py_spy_iterations)
    try:
        import boto3  # noqa: F401
    except ImportError:
        parser.exit(2, "boto3 is needed: pip install boto3\n")
    return args


@contextmanager
def running(names: list[str]) -> Iterator[list[Peer]]:
    """Start every named peer; after the block read RSS after load, and always stop them."""
    peers = [make_peer(n) for n in names]
    try:
        start_all(peers)
        yield peers
        record_rss_after_load(peers)
    finally:
        stop_all(peers)


def setup_each(peers: list[Peer], setup: Callable[[Peer], object], what: str) -> dict:
    """peer name -> `setup(peer)`; a peer whose setup fails is n/a for the whole run."""
    out = {}
    for p in peers:
        if not p.ok:
            continue
        try:
            out[p.name] = setup(p)
        except Exception as e:  # noqa: BLE001 - a peer that cannot even do this is n/a
            p.error = f"{what} failed: {type(e).__name__}: {str(e)[:200]}"
            print(f"[{p.name}] n/a: {p.error}")
    return out


def show_latency(r: dict) -> str:
    return f"median {r['median_ms']:8.2f} ms  p90 {r['p90_ms']:8.2f} ms  max {r['max_ms']:8.2f} ms"


def run_matrix(
    peers: list[Peer],
    wls: list,
    run: Callable[[Peer, object], dict],
    show: Callable[[object, dict], str] = lambda w, r: show_latency(r),
) -> None:
    """Each workload (`.key`) against every live peer in turn: `run(peer, w)` fills
    `peer.results[w.key]`; NotSupported becomes {"n/a": why}, any other error {"error": ...}."""
    for w in wls:
        for p in peers:
            if not p.ok:
                continue
            try:
                r = p.results[w.key] = run(p, w)
                print(f"  {w.key:<16} {p.name:<10} {show(w, r)}")
            except NotSupported as e:
                p.results[w.key] = {"n/a": str(e)}
                print(f"  {w.key:<16} {p.name:<10} n/a: {e}")
            except Exception as e:  # noqa: BLE001 - report, keep going
                p.results[w.key] = {"error": f"{type(e).__name__}: {e}"}
                print(f"  {w.key:<16} {p.name:<10} FAILED {type(e).__name__}: {e}")
                if not p.ok:
                    print(p.log_tail(), file=sys.stderr)


def timed(op: Callable[[int], object], iterations: int, warmup: int) -> dict:
    """`op(-1 - i)` `warmup` times untimed, then `op(i)` `iterations` times: summary in ms."""
    for i in range(warmup):
        op(-1 - i)
    samples = []
    for i in range(iterations):
        t = time.perf_counter_ns()
        op(i)
        samples.append((time.perf_counter_ns() - t) / 1e6)
    return {**summary(samples), "iterations": iterations, "warmup": warmup}


def profiling(peer: Peer) -> bool:
    return bool(PROFILE) and peer.name == "strato"


def profile(peer: Peer, key: str, call: Callable, iterations: int | None = None) -> dict:
    """A second, untimed loop under py-spy (its sampling would skew the timed one)."""
    return profile_loop(peer, Path(PROFILE["dir"]), key, call, iterations or PROFILE["iterations"])


def ok_result(peer: Peer | None, key: str) -> dict | None:
    """The peer's result for `key` when it ran cleanly (not an error, not n/a)."""
    r = peer.results.get(key) if peer is not None else None
    return r if r and "error" not in r and "n/a" not in r else None


def problems(peers: list[Peer], key: str) -> list[str]:
    """`peer: why` for each peer that is n/a for or failed `key`."""
    out = []
    for p in peers:
        r = p.results.get(key) or {}
        if "n/a" in r:
            out.append(f"{p.name}: {r['n/a']}")
        elif "error" in r:
            out.append(f"{p.name}: {r['error'][:160]}")
    return out


def median_cell(peer: Peer, w) -> str:
    r = ok_result(peer, w.key)
    return "n/a" if r is None else f"{r['median_ms']:.2f} ({r['p90_ms']:.2f})"


def metric_value(peer: Peer | None, w) -> float | None:
    """The number a workload is compared by: the result's `w.metric` (default the median)."""
    r = ok_result(peer, w.key)
    return None if r is None else r[getattr(w, "metric", "median_ms")]


def comparison_table(
    peers: list[Peer],
    wls: list,
    value: Callable[[Peer | None, object], float | None] = metric_value,
    cell: Callable[[Peer, object], str] = median_cell,
    note: Callable[[list[Peer], object], list[str]] | None = None,
    stub_diff: Callable[[object, float, float], float | None] | None = None,
    unit: str = "",
) -> str:
    """One row per workload (`.key`, `.label`): a cell per peer; `<peer>/strato`, how many
    times as fast Strato is (above 1.00x Strato is faster) by `value`, where a workload
    with a true `.higher_is_better` (a rate) counts the other way; `strato - stub`
    (`stub_diff(w, strato, stub)`, by default the difference of lower-is-better values);
    a note (errors and n/a reasons, then `note(peers, w)`). Then the per-peer table."""
    by = {p.name: p for p in peers}
    strato = by.get("strato")
    ratio_cols = [n for n in ("moto", "ministack") if n in by and strato]
    head = ["workload"] + [f"{p.name}{unit}" for p in peers]
    head += [f"{n}/strato" for n in ratio_cols]
    diff = strato is not None and "stub" in by
    if diff:
        head.append("strato - stub (ms)")
    head.append("note")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for w in wls:
        higher = getattr(w, "higher_is_better", False)
        row = [w.label] + [cell(p, w) for p in peers]
        s = value(strato, w)
        for n in ratio_cols:
            o = value(by[n], w)
            row.append(
                "n/a" if o is None or not s or not o else f"{(s / o if higher else o / s):.2f}x"
            )
        if diff:
            f = value(by["stub"], w)
            d = None
            if s is not None and f is not None:
                d = stub_diff(w, s, f) if stub_diff else None if higher else s - f
            row.append("n/a" if d is None else f"{d:+.2f}")
        notes = problems(peers, w.key) + (note(peers, w) if note else [])
        row.append("; ".join(notes).replace("|", "/").replace("\n", " "))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines += peers_table(peers)
    return "\n".join(lines)


def goal(ok: bool | None, text: str) -> str:
    """A target line: met, MISSED, or n/a when there is nothing to judge."""
    return f"- [{'n/a' if ok is None else 'met' if ok else 'MISSED'}] {text}"


def run_benchmark(
    doc: str,
    argv: list[str] | None,
    prefix: str,
    workloads: Callable[[bool], list],
    run: Callable[[Peer, object, object], dict],
    *,
    setup: Callable[[Peer], object] = lambda peer: None,
    setup_what: str = "setup",
    show: Callable[[object, dict], str] = lambda w, r: show_latency(r),
    render: Callable[[list[Peer], list], str] = comparison_table,
    targets: Callable[[list[Peer], list], list[str]] | None = None,
    default_peers: list[str] = ALL_PEERS,
    py_spy: str | None = None,
) -> int:
    """A runner's main: the command line, the peers, `setup(peer)` once per peer, then
    `run(peer, workload, what setup returned)` for each workload (`.key`, `.label`) and
    peer; the table, the target lines and the results file `<prefix>-<UTC time>.json`."""
    args = cli(doc, argv, default_peers, py_spy)
    wls = workloads(args.quick)
    with running(args.names) as peers:
        ready = setup_each(peers, setup, setup_what)
        run_matrix(peers, wls, lambda p, w: run(p, w, ready[p.name]), show)
    labels = {w.key: w.label for w in wls}
    goals = targets(peers, wls) if targets else None
    return report(args.out, prefix, args.quick, peers, labels, render(peers, wls), goals)
