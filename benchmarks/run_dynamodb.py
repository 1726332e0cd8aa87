"""Side-by-side DynamoDB benchmark: Strato vs moto's server vs ministack vs a stub floor.

    python3 benchmarks/run_dynamodb.py [--quick] [--peers strato,moto,ministack,stub]
                                       [--py-spy DIR]

Every peer runs on a free loopback port at the same time; each workload is run
against every peer in turn with the same boto3 client settings (one attempt, no
retries), so ratios in one run are comparable even when absolute times on a
shared machine are not. Never part of the test suite; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peers import (
    ALL_PEERS,
    Peer,
    fmt,
    make_client,
    make_peer,
    peers_table,
    profile_loop,
    record_rss_after_load,
    report,
    start_all,
    stop_all,
    summary,
)

TABLE = "bench"
GSI = "by-customer"
PAD = "x" * 960  # with the other attributes: a 1 KB item (DynamoDB's size: names + values)
QUERY_ITEMS = 100
BATCH = 25
TRANSACT = 10
PROFILE: dict = {}  # "dir", "iterations": where and how long --py-spy profiles point ops

# point operations must stay this close to the stub and this far ahead of moto
POINT_OVER_STUB_MS = 1.0
POINT_MOTO_RATIO = 2.0
QUERY_MAX_MS = 10.0


def item(pk: str, sk: int) -> dict:
    """A 1 KB item: the table key, the GSI key (ten customers), a status and padding."""
    return {
        "pk": {"S": pk},
        "sk": {"N": str(sk)},
        "customer": {"S": f"customer-{sk % 10}"},
        "created": {"N": str(1_700_000_000 + sk)},
        "status": {"S": "PLACED"},
        "n": {"N": "0"},
        "data": {"S": PAD},
    }


def create_table(c) -> None:
    """pk (S) + sk (N), a GSI on customer (S) + created (N) projecting everything; on demand."""
    c.create_table(
        TableName=TABLE,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "created", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": GSI,
                "KeySchema": [
                    {"AttributeName": "customer", "KeyType": "HASH"},
                    {"AttributeName": "created", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    deadline = time.monotonic() + 30
    while True:
        t = c.describe_table(TableName=TABLE)["Table"]
        indexes = [g.get("IndexStatus") for g in t.get("GlobalSecondaryIndexes", [])]
        if t["TableStatus"] == "ACTIVE" and all(s == "ACTIVE" for s in indexes):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"table still {t['TableStatus']} / indexes {indexes} after 30 s")
        time.sleep(0.1)


# ----------------------------------------------------------------------- workloads


@dataclass
class Workload:
    key: str
    label: str
    point: bool  # a point operation: held to the stub-floor and moto targets
    iterations: int
    warmup: int
    op: Callable  # (client, i) -> None, timed
    setup: Callable | None = None  # (client) -> None, untimed
    verify: Callable | None = None  # (client, calls) -> None, untimed; not for the stub


def _put(c, i: int) -> None:
    c.put_item(TableName=TABLE, Item=item(f"put#{i}", 0))


def _setup_get(c) -> None:
    c.put_item(TableName=TABLE, Item=item("get", 1))


def _get(c, i: int) -> None:
    r = c.get_item(TableName=TABLE, Key={"pk": {"S": "get"}, "sk": {"N": "1"}})
    if r.get("Item", {}).get("data", {}).get("S") != PAD:
        raise AssertionError(f"get_item returned {str(r.get('Item'))[:200]}")


def _setup_update(c) -> None:
    c.put_item(TableName=TABLE, Item=item("counter", 0))


def _update(c, i: int) -> None:
    c.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "counter"}, "sk": {"N": "0"}},
        UpdateExpression="SET n = n + :one, #st = :st",
        ConditionExpression="attribute_exists(pk) AND n >= :zero",
        ExpressionAttributeNames={"#st": "status"},  # a reserved word
        ExpressionAttributeValues={
            ":one": {"N": "1"},
            ":zero": {"N": "0"},
            ":st": {"S": "SHIPPED"},
        },
    )


def _verify_update(c, calls: int) -> None:
    r = c.get_item(
        TableName=TABLE, Key={"pk": {"S": "counter"}, "sk": {"N": "0"}}, ConsistentRead=True
    )
    n = r["Item"]["n"]["N"]
    if n != str(calls):
        raise AssertionError(f"counter is {n} after {calls} conditional increments")


def _batch_put(c, pk: str, count: int, start: int = 0) -> None:
    r = c.batch_write_item(
        RequestItems={TABLE: [{"PutRequest": {"Item": item(pk, start + j)}} for j in range(count)]}
    )
    if r.get("UnprocessedItems"):
        raise AssertionError(f"unprocessed items: {len(r['UnprocessedItems'].get(TABLE, []))}")


def _setup_query(c) -> None:
    for start in range(0, QUERY_ITEMS, BATCH):
        _batch_put(c, "query", min(BATCH, QUERY_ITEMS - start), start)


def _query(c, i: int) -> None:
    r = c.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "query"}},
    )
    sks = [int(x["sk"]["N"]) for x in r["Items"]]
    if r["Count"] != QUERY_ITEMS or sks != list(range(QUERY_ITEMS)) or "LastEvaluatedKey" in r:
        raise AssertionError(f"query returned {r['Count']} items, sort keys {sks[:5]}...")


def _batch(c, i: int) -> None:
    _batch_put(c, f"batch#{i}", BATCH)


def _transact(c, i: int) -> None:
    c.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": TABLE,
                    "Item": item(f"tx#{i}", j),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for j in range(TRANSACT)
        ]
    )


def _verify_transact(c, calls: int) -> None:
    r = c.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "tx#0"}},
        ConsistentRead=True,
    )
    if r["Count"] != TRANSACT:
        raise AssertionError(f"a transaction of {TRANSACT} puts left {r['Count']} items")


def workloads(quick: bool) -> list[Workload]:
    point, point_w = (30, 5) if quick else (300, 30)
    many, many_w = (10, 2) if quick else (100, 10)
    return [
        Workload("put", "PutItem, 1 KB item (new key each call)", True, point, point_w, _put),
        Workload("get", "GetItem, 1 KB item", True, point, point_w, _get, _setup_get),
        Workload(
            "update",
            "UpdateItem with a ConditionExpression (SET n = n + 1)",
            True,
            point,
            point_w,
            _update,
            _setup_update,
            _verify_update,
        ),
        Workload(
            "query_100",
            f"Query, one partition, {QUERY_ITEMS} items of 1 KB",
            False,
            many,
            many_w,
            _query,
            _setup_query,
        ),
        Workload("batch_25", f"BatchWriteItem, {BATCH} puts", False, many, many_w, _batch),
        Workload(
            "transact_10",
            f"TransactWriteItems, {TRANSACT} conditional puts",
            False,
            many,
            many_w,
            _transact,
            None,
            _verify_transact,
        ),
    ]


def run_workload(peer: Peer, client, w: Workload) -> dict:
    if w.setup:
        w.setup(client)
    for i in range(w.warmup):
        w.op(client, -1 - i)
    samples = []
    for i in range(w.iterations):
        t = time.perf_counter_ns()
        w.op(client, i)
        samples.append((time.perf_counter_ns() - t) / 1e6)
    if w.verify and peer.name != "stub":  # the stub keeps puts but evaluates nothing
        w.verify(client, w.warmup + w.iterations)
    out = {**summary(samples), "iterations": w.iterations, "warmup": w.warmup}
    if PROFILE and peer.name == "strato" and w.point:
        # a second, untimed loop under py-spy: its sampling would skew the timed one
        n = iter(range(10_000_000, 20_000_000))  # fresh keys for the puts
        out["profile"] = profile_loop(
            peer, Path(PROFILE["dir"]), w.key, lambda: w.op(client, next(n)), PROFILE["iterations"]
        )
        print("    inclusive:")
        for name, share in out["profile"].get("inclusive", [])[:12]:
            print(f"      {share * 100:5.1f}%  {name}")
    return out


# -------------------------------------------------------------------------- report


def _median(peer: Peer | None, key: str) -> float | None:
    if peer is None:
        return None
    r = peer.results.get(key)
    return r["median_ms"] if r and "error" not in r else None


def _cell(peer: Peer, key: str) -> str:
    r = peer.results.get(key)
    if not r or "error" in r:
        return "n/a"
    return f"{r['median_ms']:.2f} ({r['p90_ms']:.2f})"


def _note(peers: list[Peer], key: str) -> str:
    notes = []
    for p in peers:
        r = p.results.get(key)
        if r and "error" in r:
            notes.append(f"{p.name}: {r['error'][:160]}")
    return "; ".join(notes).replace("|", "/").replace("\n", " ")


def render(peers: list[Peer], wls: list[Workload]) -> str:
    by = {p.name: p for p in peers}
    strato = by.get("strato")
    ratio_cols = [n for n in ("moto", "ministack") if n in by and strato]
    head = ["workload"] + [f"{p.name} ms/op" for p in peers]
    head += [f"{n}/strato" for n in ratio_cols]
    diff = strato is not None and "stub" in by
    if diff:
        head.append("strato - stub (ms)")
    head.append("note")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for w in wls:
        row = [w.label] + [_cell(p, w.key) for p in peers]
        s = _median(strato, w.key)
        for n in ratio_cols:
            o = _median(by[n], w.key)
            row.append(f"{o / s:.2f}x" if o is not None and s else "n/a")
        if diff:
            f = _median(by["stub"], w.key)
            row.append(f"{s - f:+.2f}" if s is not None and f is not None else "n/a")
        row.append(_note(peers, w.key))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines += peers_table(peers)
    return "\n".join(lines)


def targets(peers: list[Peer], wls: list[Workload]) -> list[str]:
    """Point operations within 1 ms of the stub and at least 2x faster than moto;
    a Query of 100 items under 10 ms."""
    by = {p.name: p for p in peers}
    strato, stub, moto = by.get("strato"), by.get("stub"), by.get("moto")
    out = []

    def line(ok: bool | None, text: str) -> None:
        out.append(f"- [{'n/a' if ok is None else 'met' if ok else 'MISSED'}] {text}")

    for w in wls:
        s = _median(strato, w.key)
        if w.point:
            f, m = _median(stub, w.key), _median(moto, w.key)
            d = None if s is None or f is None else s - f
            line(
                None if d is None else d <= POINT_OVER_STUB_MS,
                f"{w.key}: strato - stub {fmt(d)} ms (<= {POINT_OVER_STUB_MS:g})",
            )
            ratio = None if s is None or m is None else m / s
            line(
                None if ratio is None else ratio >= POINT_MOTO_RATIO,
                f"{w.key}: moto/strato {fmt(ratio)}{'x' if ratio else ''} (>= {POINT_MOTO_RATIO:g}x)",
            )
        elif w.key == "query_100":
            line(
                None if s is None else s < QUERY_MAX_MS,
                f"{w.key}: strato median {fmt(s)} ms (< {QUERY_MAX_MS:g})",
            )
    return out


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few iterations: a smoke run")
    parser.add_argument("--peers", default=",".join(ALL_PEERS), help="comma-separated subset")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results"))
    parser.add_argument(
        "--py-spy",
        metavar="DIR",
        help="after each timed point-operation loop, run it again under py-spy on Strato's "
        "server process and write the raw profile and its hotspots to DIR",
    )
    parser.add_argument(
        "--py-spy-iterations",
        type=int,
        default=2000,
        metavar="N",
        help="calls in each profiled loop (default 2000: a few seconds of samples)",
    )
    args = parser.parse_args(argv)
    if args.py_spy:
        if shutil.which("py-spy") is None:
            print("--py-spy needs py-spy on PATH: pip install py-spy", file=sys.stderr)
            return 2
        PROFILE.update(dir=os.path.abspath(args.py_spy), iterations=args.py_spy_iterations)
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
                c = make_client(p.endpoint, "dynamodb")
                create_table(c)
                clients[p.name] = c
            except Exception as e:  # noqa: BLE001 - a peer that cannot even do this is n/a
                p.error = f"table setup failed: {type(e).__name__}: {str(e)[:200]}"
                print(f"[{p.name}] n/a: {p.error}")

        for w in wls:
            for p in peers:
                if p.name not in clients or not p.ok:
                    continue
                try:
                    r = p.results[w.key] = run_workload(p, clients[p.name], w)
                    print(
                        f"  {w.key:<12} {p.name:<10} median {r['median_ms']:8.2f} ms"
                        f"  p90 {r['p90_ms']:8.2f} ms  max {r['max_ms']:8.2f} ms"
                    )
                except Exception as e:  # noqa: BLE001 - report, keep going
                    p.results[w.key] = {"error": f"{type(e).__name__}: {e}"}
                    print(f"  {w.key:<12} {p.name:<10} FAILED {type(e).__name__}: {e}")
                    if not p.ok:
                        print(p.log_tail(), file=sys.stderr)
        record_rss_after_load(peers)
    finally:
        stop_all(peers)

    table = render(peers, wls)
    goals = targets(peers, wls)
    labels = {w.key: w.label for w in wls}
    return report(args.out, "dynamodb", args.quick, peers, labels, table, goals)


if __name__ == "__main__":
    sys.exit(main())
