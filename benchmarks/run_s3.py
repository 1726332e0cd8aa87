"""Side-by-side S3 benchmark: Strato vs moto's server vs ministack vs a stub floor.

    python3 benchmarks/run_s3.py [--quick] [--peers strato,moto,ministack,stub]

Every peer runs on a free loopback port at the same time; each workload is run
against every peer in turn with the same boto3 client settings, so ratios in one
run are comparable even when absolute times on a shared machine are not.
Never part of the test suite; see benchmarks/README.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from peers import (
    Peer,
    comparison_table,
    make_client,
    run_benchmark,
    timed,
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


def bucket_of(w: Workload) -> str:
    # list_versions reads the bucket vput_1k filled
    return "bench-vput-1k" if w.key == "list_versions" else f"bench-{w.key.replace('_', '-')}"


def run_workload(peer: Peer, w: Workload, client) -> dict:
    bucket = bucket_of(w)
    if w.setup:
        w.setup(client, bucket)
    return timed(lambda i: w.op(client, bucket, i), w.iterations, w.warmup)


def bucket_setup(peer: Peer):
    c = make_client(peer.endpoint)
    for w in workloads(quick=True):  # the same keys as a full run's
        if w.key != "list_versions":
            c.create_bucket(Bucket=bucket_of(w))
    _setup_versioning(c, "bench-vput-1k")
    return c


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(
        __doc__,
        argv,
        "s3",
        workloads,
        run_workload,
        setup=bucket_setup,
        setup_what="bucket setup",
        render=partial(comparison_table, unit=" ms/op"),
    )


if __name__ == "__main__":
    sys.exit(main())
