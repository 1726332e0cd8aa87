"""SIGKILL the server during PutItem/UpdateItem on a table with a GSI: every acknowledged write
survives, and the index is exactly the table's items, no more, no less."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import boto3
import pytest
from botocore.config import Config

from strato_server import StratoProcess

HERE = os.path.dirname(__file__)


def _client(endpoint: str):
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


def _read_log(path: str):
    """Per item, the acknowledged (g, v) writes in order, and the write in flight at the kill."""
    acked: dict[str, list[tuple[str, int]]] = {}
    in_flight = None
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts[0] == "attempt" and len(parts) == 4:
                in_flight = (parts[1], parts[2], int(parts[3]))
            elif parts[0] == "ack" and len(parts) == 4:
                acked.setdefault(parts[1], []).append((parts[2], int(parts[3])))
                in_flight = None
    return acked, in_flight


def _create_table(ddb, name: str) -> None:
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def _all(ddb, **kwargs):
    items = []
    for page in ddb.get_paginator("scan").paginate(**kwargs):
        items += page["Items"]
    return items


@pytest.mark.parametrize("round_", range(3))
def test_sigkill_mid_writes_keeps_acknowledged_writes_and_index(tmp_path, round_):
    state = str(tmp_path / "state")
    server = StratoProcess(state).start()
    log_path = str(tmp_path / "writes.log")
    _create_table(_client(server.endpoint), "durable")
    writer = subprocess.Popen(
        [
            sys.executable,
            os.path.join(HERE, "dynamodb_write_loop.py"),
            server.endpoint,
            "durable",
            log_path,
        ]
    )
    try:
        deadline = time.monotonic() + 30
        target = 40 + 30 * round_
        while time.monotonic() < deadline:
            if (
                os.path.exists(log_path)
                and sum(map(len, _read_log(log_path)[0].values())) >= target
            ):
                break
            time.sleep(0.01)
        time.sleep(0.002 * (round_ + 1))
        server.kill()
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
    acked, in_flight = _read_log(log_path)
    assert sum(map(len, acked.values())) >= 40, "the writer made too little progress"

    server = StratoProcess(state, port=server.port).start()
    try:
        ddb = _client(server.endpoint)
        items = {i["pk"]["S"]: i for i in _all(ddb, TableName="durable", ConsistentRead=True)}
        for pk, writes in acked.items():
            assert pk in items, f"{pk} was acknowledged but is gone"
            allowed = {writes[-1]}
            if in_flight is not None and in_flight[0] == pk:
                allowed.add((in_flight[1], in_flight[2]))
            got = (items[pk]["g"]["S"], int(items[pk]["v"]["N"]))
            assert got in allowed, f"{pk}: {got}, acknowledged {writes[-1]}"
        for pk in items:
            assert pk in acked or (in_flight is not None and in_flight[0] == pk)
        # The index holds exactly the table's items, each under its current key.
        entries = _all(ddb, TableName="durable", IndexName="by-g")
        assert sorted(e["pk"]["S"] for e in entries) == sorted(items)
        for entry in entries:
            assert entry == items[entry["pk"]["S"]]
        for g in {i["g"]["S"] for i in items.values()}:
            found = []
            for page in ddb.get_paginator("query").paginate(
                TableName="durable",
                IndexName="by-g",
                KeyConditionExpression="g = :g",
                ExpressionAttributeValues={":g": {"S": g}},
            ):
                found += [i["pk"]["S"] for i in page["Items"]]
            assert sorted(found) == sorted(pk for pk, i in items.items() if i["g"]["S"] == g)
        table = ddb.describe_table(TableName="durable")["Table"]
        assert table["ItemCount"] == len(items)
        assert table["GlobalSecondaryIndexes"][0]["ItemCount"] == len(items)
    finally:
        server.stop()
