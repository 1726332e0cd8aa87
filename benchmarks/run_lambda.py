"""Side-by-side Lambda benchmark: Strato vs ministack vs a stub floor.

    python3 benchmarks/run_lambda.py [--quick] [--peers strato,ministack,stub]

Every peer runs on a free loopback port at the same time; each workload is run
against every peer in turn with the same boto3 client settings (one attempt, no
retries), so ratios in one run are comparable even when absolute times on a
shared machine are not. Never part of the test suite; see benchmarks/README.md.
"""

from __future__ import annotations

import base64
import io
import json
import re
import statistics
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from peers import (
    Peer,
    comparison_table,
    fmt,
    goal,
    make_client,
    metric_value,
    ok_result,
    profile,
    profiling,
    run_benchmark,
    summary,
    timed,
)

LAMBDA_PEERS = ["strato", "ministack", "stub"]
ROLE = "arn:aws:iam::000000000000:role/lambda-role"
EXPECTED = {"statusCode": 200, "body": "hello"}
SLEEP_MS = 50

PY_HELLO = """\
def handler(event, context):
    return {"statusCode": 200, "body": "hello"}
"""
NODE_HELLO = """\
export const handler = async (event) => ({ statusCode: 200, body: "hello" });
"""
PY_SLEEP = """\
import os
import time

SLEEP_S = float(os.environ.get("SLEEP_MS", "50")) / 1000


def handler(event, context):
    time.sleep(SLEEP_S)
    return {"statusCode": 200, "body": "hello"}
"""

RUNTIMES = {
    # key: (label, runtime, file name, source)
    "py": ("Python", "python3.12", "handler.py", PY_HELLO, "handler.handler"),
    "node": ("Node.js", "nodejs20.x", "index.mjs", NODE_HELLO, "index.handler"),
}


def zipped(filename: str, source: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo(filename, date_time=(2024, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        z.writestr(info, source)
    return buf.getvalue()


def lambda_client(endpoint: str):
    return make_client(endpoint, "lambda", read_timeout=120)


def create_function(
    client,
    name: str,
    runtime: str,
    filename: str,
    source: str,
    handler: str,
    env: dict[str, str] | None = None,
    timeout: int = 10,
) -> None:
    kwargs = {}
    if env:
        kwargs["Environment"] = {"Variables": env}
    client.create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=ROLE,
        Handler=handler,
        Code={"ZipFile": zipped(filename, source)},
        Timeout=timeout,
        MemorySize=128,
        **kwargs,
    )
    # untimed: wait for State=Active (one GetFunction if it already is)
    client.get_waiter("function_active_v2").wait(
        FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
    )


class InvokeFailed(Exception):
    pass


def invoke(client, name: str, tail: bool = False) -> dict:
    kwargs = {"LogType": "Tail"} if tail else {}
    r = client.invoke(FunctionName=name, Payload=b"{}", **kwargs)
    payload = r["Payload"].read()
    if r.get("FunctionError") or r.get("StatusCode") != 200:
        raise InvokeFailed(f"{r.get('FunctionError') or r.get('StatusCode')}: {payload[:300]!r}")
    try:
        doc = json.loads(payload)
    except ValueError as e:
        raise InvokeFailed(f"payload is not JSON: {payload[:300]!r}") from e
    if doc != EXPECTED:
        raise InvokeFailed(f"unexpected payload {doc!r}")
    return r


_INIT_RE = re.compile(r"Init Duration:\s*([0-9.]+)\s*ms")


def init_duration(r: dict) -> float | None:
    log = r.get("LogResult")
    if not log:
        return None
    m = _INIT_RE.search(base64.b64decode(log).decode(errors="replace"))
    return float(m.group(1)) if m else None


# ----------------------------------------------------------------------- workloads


@dataclass
class Workload:
    key: str
    label: str
    kind: str  # "warm", "cold" or "concurrent"
    run: Callable  # (peer, client) -> dict

    @property
    def metric(self) -> str:
        return "wall_s" if self.kind == "concurrent" else "median_ms"


def warm(rt: str, iterations: int, warmup: int) -> Workload:
    label, runtime, filename, source, handler = RUNTIMES[rt]

    def run(peer: Peer, client) -> dict:
        name = f"hello-{rt}"
        create_function(client, name, runtime, filename, source, handler)
        out = timed(lambda i: invoke(client, name), iterations, warmup)
        if profiling(peer):
            out["profile"] = profile(peer, f"warm_{rt}", lambda: invoke(client, name))
        return out

    return Workload(f"warm_{rt}", f"{label} hello, warm invoke: p50 (p99) ms", "warm", run)


def cold(rt: str, count: int) -> Workload:
    label, runtime, filename, source, handler = RUNTIMES[rt]

    def run(peer: Peer, client) -> dict:
        samples, inits = [], []
        for i in range(count):
            name = f"cold-{rt}-{i}"
            create_function(client, name, runtime, filename, source, handler)
            t = time.perf_counter_ns()
            r = invoke(client, name, tail=True)
            samples.append((time.perf_counter_ns() - t) / 1e6)
            init = init_duration(r)
            if init is not None:
                inits.append(init)
        out = {**summary(samples), "samples_ms": samples, "functions": count}
        if count > 2:  # the first function may pay one-time setup (Strato: npm install of the SDK)
            out["first_ms"] = samples[0]
            out["median_after_first_ms"] = statistics.median(samples[1:])
        if inits:
            out["init_duration_ms"] = inits
            out["init_duration_median_ms"] = statistics.median(inits)
        return out

    return Workload(
        f"cold_{rt}",
        f"{label} hello, cold start (first invoke after create): median (min-max) ms",
        "cold",
        run,
    )


def concurrent(key: str, label: str, threads: int, total: int) -> Workload:
    """`total` invokes of a 50 ms sleeper from `threads` threads, each with its own client.

    The `_warm` variant runs the same burst a second time on the same function,
    so the environments the first burst started are there to reuse.
    """
    per_thread = total // threads
    name = "sleep-py"

    def burst(peer: Peer) -> dict:
        clients = [lambda_client(peer.endpoint) for _ in range(threads)]
        latencies: list[float] = []
        counts = {"ok": 0, "throttles": 0, "errors": 0}
        first_error: list[str] = []
        lock = threading.Lock()
        ends: list[float] = []
        start: list[float] = []
        barrier = threading.Barrier(threads, action=lambda: start.append(time.perf_counter()))

        def worker(c) -> None:
            barrier.wait()
            for _ in range(per_thread):
                t = time.perf_counter()
                outcome, msg = "ok", ""
                try:
                    invoke(c, name)
                except Exception as e:  # noqa: BLE001 - counted, not fatal
                    code = getattr(e, "response", {}).get("Error", {}).get("Code", "")
                    outcome = "throttles" if code == "TooManyRequestsException" else "errors"
                    msg = f"{type(e).__name__}: {e}"
                dt = (time.perf_counter() - t) * 1000
                with lock:
                    counts[outcome] += 1
                    latencies.append(dt)
                    if msg and not first_error:
                        first_error.append(msg[:300])
            with lock:
                ends.append(time.perf_counter())

        ts = [threading.Thread(target=worker, args=(c,)) for c in clients]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        wall = max(ends) - start[0]
        ideal = total * SLEEP_MS / 1000 / threads
        out = {
            "wall_s": wall,
            "ideal_s": ideal,
            "wall_over_ideal": wall / ideal,
            **counts,
            "threads": threads,
            "invocations": per_thread * threads,
            "latency": summary(latencies),
        }
        if first_error:
            out["first_error"] = first_error[0]
        return out

    def run(peer: Peer, client) -> dict:
        if key == "conc_warm" and "error" in peer.results.get("conc_fresh", {}):
            raise AssertionError("no function: the first burst failed")
        if key == "conc_fresh":
            _, runtime, _, _, _ = RUNTIMES["py"]
            create_function(
                client,
                name,
                runtime,
                "handler.py",
                PY_SLEEP,
                "handler.handler",
                env={"SLEEP_MS": str(SLEEP_MS)},
            )
        return burst(peer)

    return Workload(key, label, "concurrent", run)


def workloads(quick: bool) -> list[Workload]:
    iterations, warmup = (30, 5) if quick else (300, 30)
    colds = 2 if quick else 5
    threads, total = (20, 200) if not quick else (10, 40)
    desc = f"{total} invokes of a {SLEEP_MS} ms sleeper, {threads} threads"
    return [
        cold("py", colds),
        cold("node", colds),
        warm("py", iterations, warmup),
        warm("node", iterations, warmup),
        concurrent("conc_fresh", f"{desc}, new function: wall s", threads, total),
        concurrent("conc_warm", f"{desc}, again (warm): wall s", threads, total),
    ]


# -------------------------------------------------------------------------- report


def _cell(peer: Peer, w: Workload) -> str:
    r = ok_result(peer, w.key)
    if r is None:
        return "n/a"
    if w.kind == "warm":
        return f"{r['median_ms']:.2f} ({r['p99_ms']:.2f})"
    if w.kind == "cold":
        cell = f"{r['median_ms']:.1f} ({r['min_ms']:.1f}-{r['max_ms']:.1f})"
        if "init_duration_median_ms" in r:
            cell += f"; Init {r['init_duration_median_ms']:.1f}"
        return cell
    cell = f"{r['wall_s']:.2f} (x{r['wall_over_ideal']:.2f} ideal)"
    if r["throttles"] or r["errors"]:
        cell += f"; {r['throttles']} throttled, {r['errors']} errors"
    return cell


def _note(peers: list[Peer], w: Workload) -> list[str]:
    notes = []
    for p in peers:
        r = ok_result(p, w.key)
        if r and r.get("first_error"):
            notes.append(f"{p.name}: {r['first_error'][:160]}")
    if w.kind == "cold":
        for p in peers:
            r = ok_result(p, w.key)
            rest = r["median_after_first_ms"] if r and "first_ms" in r else None
            if rest is not None and r["first_ms"] > max(2 * rest, rest + 50):
                notes.append(
                    f"{p.name}: first function {r['first_ms']:.0f} ms, "
                    f"the rest median {r['median_after_first_ms']:.1f} ms"
                )
    if w.kind == "concurrent":
        ideal = next((r["ideal_s"] for p in peers if (r := ok_result(p, w.key))), None)
        if ideal is not None:
            notes.insert(0, f"ideal {ideal:.2f} s")
    return notes


def _stub_diff(w: Workload, s: float, f: float) -> float:
    return (s - f) * (1000 if w.kind == "concurrent" else 1)  # wall s -> ms


def _show(w: Workload, r: dict) -> str:
    if w.kind == "concurrent":
        return (
            f"wall {r['wall_s']:6.2f} s (ideal {r['ideal_s']:.2f})  throttles {r['throttles']}  "
            f"errors {r['errors']}  p50 {r['latency']['median_ms']:.1f} ms"
        )
    init = r.get("init_duration_median_ms")
    return (
        f"median {r['median_ms']:8.2f} ms  p99 {r['p99_ms']:8.2f} ms  max {r['max_ms']:8.2f} ms"
        + (f"  init {init:.1f} ms" if init is not None else "")
    )


def targets(peers: list[Peer], wls: list[Workload]) -> list[str]:
    """Strato against the goals: warm p50 near the floor and far below ministack,
    Python cold start under 150 ms, the concurrent burst near its ideal wall time."""
    by = {p.name: p for p in peers}
    strato, stub, mini = by.get("strato"), by.get("stub"), by.get("ministack")
    out: list[str] = []

    def line(ok: bool | None, text: str) -> None:
        out.append(goal(ok, text))

    for w in wls:
        s = metric_value(strato, w)
        if w.kind == "warm":
            f, m = metric_value(stub, w), metric_value(mini, w)
            d = None if s is None or f is None else s - f
            line(None if d is None else d <= 1.5, f"{w.key}: strato - stub {fmt(d)} ms (<= 1.5)")
            ratio = None if s is None or m is None else m / s
            line(
                None if ratio is None else ratio >= 10,
                f"{w.key}: ministack/strato {fmt(ratio)}x (>= 10x)",
            )
        elif w.key == "cold_py":
            line(None if s is None else s < 150, f"{w.key}: strato {fmt(s, 1)} ms (< 150)")
        elif w.kind == "concurrent":
            r = ok_result(strato, w.key)
            x = None if r is None else r["wall_over_ideal"]
            clean = r is not None and not r["throttles"] and not r["errors"]
            line(
                None if x is None else x <= 1.5 and clean,
                f"{w.key}: strato wall {fmt(x)}x ideal (<= 1.5x, no throttles/errors)",
            )
    return out


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(
        __doc__,
        argv,
        "lambda",
        workloads,
        lambda peer, w, client: w.run(peer, client),
        setup=lambda peer: lambda_client(peer.endpoint),
        setup_what="client setup",
        show=_show,
        render=partial(comparison_table, cell=_cell, note=_note, stub_diff=_stub_diff),
        targets=targets,
        default_peers=LAMBDA_PEERS,
        py_spy="after each timed warm loop, run it again under py-spy on Strato's server "
        "process and write the raw profile and its hotspots to DIR",
    )


if __name__ == "__main__":
    sys.exit(main())
