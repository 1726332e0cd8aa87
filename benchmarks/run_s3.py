"""Side-by-side S3 benchmark: Strato vs moto's server vs ministack vs a stub floor.

    python3 benchmarks/run_s3.py [--quick] [--peers strato,moto,ministack,stub]

Every peer runs on a free loopback port at the same time; each workload is run
against every peer in turn with the same boto3 client settings, so ratios in one
run are comparable even when absolute times on a shared machine are not.
Never part of the test suite; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peers import (
    ALL_PEERS,
    Peer,
    make_client,
    make_peer,
    peers_table,
    percentile,
    record_rss_after_load,
    report,
    start_all,
    stop_all,
)

KIB = b"x" * 1024
MIB = b"y" * (1024 * 1024)


# ----------------------------------------------------------------------- workloads


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
    lines += peers_table(peers)
    return "\n".join(lines)


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few iterations: a smoke run")
    parser.add_argument("--peers", default=",".join(ALL_PEERS), help="comma-separated subset")
    parser.add_argument(
        "--out", default=str(Path(__file__).resolve().parent / "results"), help="directory for JSON"
    )
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
        start_all(peers)

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
        record_rss_after_load(peers)
    finally:
        stop_all(peers)

    table = render(peers, wls)
    labels = {w.key: w.label for w in wls}
    return report(args.out, "s3", args.quick, peers, labels, table)


if __name__ == "__main__":
    sys.exit(main())
