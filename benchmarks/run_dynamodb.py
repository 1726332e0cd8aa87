"""Side-by-side DynamoDB benchmark: Strato vs moto's server vs ministack vs a stub floor.

    python3 benchmarks/run_dynamodb.py [--quick] [--peers strato,moto,ministack,stub]
                                       [--py-spy DIR]

Every peer runs on a free loopback port at the same time; each workload is run
against every peer in turn with the same boto3 client settings (one attempt, no
retries), so ratios in one run are comparable even when absolute times on a
shared machine are not. Never part of the test suite; see benchmarks/README.md.
"""

from __future__ import annotations

import sys
import time
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
    profile,
    profiling,
    run_benchmark,
    timed,
)

TABLE = "bench"
GSI = "by-customer"
PAD = "x" * 960  # with the other attributes: a 1 KB item (DynamoDB's size: names + values)
QUERY_ITEMS = 100
BATCH = 25
TRANSACT = 10

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


def run_workload(peer: Peer, w: Workload, client) -> dict:
    if w.setup:
        w.setup(client)
    out = timed(lambda i: w.op(client, i), w.iterations, w.warmup)
    if w.verify and peer.name != "stub":  # the stub keeps puts but evaluates nothing
        w.verify(client, w.warmup + w.iterations)
    if profiling(peer) and w.point:
        n = iter(range(10_000_000, 20_000_000))  # fresh keys for the puts
        out["profile"] = profile(peer, w.key, lambda: w.op(client, next(n)))
        print("    inclusive:")
        for name, share in out["profile"].get("inclusive", [])[:12]:
            print(f"      {share * 100:5.1f}%  {name}")
    return out


# -------------------------------------------------------------------------- report


def targets(peers: list[Peer], wls: list[Workload]) -> list[str]:
    """Point operations within 1 ms of the stub and at least 2x faster than moto;
    a Query of 100 items under 10 ms."""
    by = {p.name: p for p in peers}
    out = []
    for w in wls:
        s = metric_value(by.get("strato"), w)
        if w.point:
            f, m = metric_value(by.get("stub"), w), metric_value(by.get("moto"), w)
            d = None if s is None or f is None else s - f
            out.append(
                goal(
                    None if d is None else d <= POINT_OVER_STUB_MS,
                    f"{w.key}: strato - stub {fmt(d)} ms (<= {POINT_OVER_STUB_MS:g})",
                )
            )
            ratio = None if s is None or m is None else m / s
            out.append(
                goal(
                    None if ratio is None else ratio >= POINT_MOTO_RATIO,
                    f"{w.key}: moto/strato {fmt(ratio)}{'x' if ratio else ''} "
                    f"(>= {POINT_MOTO_RATIO:g}x)",
                )
            )
        elif w.key == "query_100":
            out.append(
                goal(
                    None if s is None else s < QUERY_MAX_MS,
                    f"{w.key}: strato median {fmt(s)} ms (< {QUERY_MAX_MS:g})",
                )
            )
    return out


# ---------------------------------------------------------------------------- main


def table_client(peer: Peer):
    c = make_client(peer.endpoint, "dynamodb")
    create_table(c)
    return c


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(
        __doc__,
        argv,
        "dynamodb",
        workloads,
        run_workload,
        setup=table_client,
        setup_what="table setup",
        render=partial(comparison_table, unit=" ms/op"),
        targets=targets,
        py_spy="after each timed point-operation loop, run it again under py-spy on Strato's "
        "server process and write the raw profile and its hotspots to DIR",
    )


if __name__ == "__main__":
    sys.exit(main())
