"""The TTL sweeper on a private server's clock: what it deletes, what it leaves, what it records."""

from __future__ import annotations

import pytest
from streams_helpers import clients, create_table, read_all, wait_until

from strato_server import StratoProcess

YEAR = 365 * 86_400


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    state = tmp_path_factory.mktemp("dynamodb-ttl") / "state"
    proc = StratoProcess(str(state), env={"STRATO_DYNAMODB_TTL_INTERVAL": "0.1"}).start()
    yield proc
    proc.stop()


def _ttl_table(ddb, view_type="NEW_AND_OLD_IMAGES", enable=True, **kwargs):
    name, arn = create_table(ddb, view_type, **kwargs)
    if enable:
        ddb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"},
        )
    return name, arn


def _exists(ddb, name: str, pk: str) -> bool:
    return "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": pk}}, ConsistentRead=True)


def _put(ddb, name: str, pk: str, expires: dict | None = None, **attrs) -> None:
    item = {"pk": {"S": pk}, **attrs}
    if expires is not None:
        item["expires"] = expires
    ddb.put_item(TableName=name, Item=item)


def test_expired_items_are_deleted_by_the_service(server):
    ddb, streams = clients(server.endpoint)
    name, arn = _ttl_table(ddb)
    now = server.advance_clock(0)
    _put(ddb, name, "due", {"N": str(int(now) - 10)}, v={"S": "bye"})
    _put(ddb, name, "later", {"N": str(int(now) + 3600)})
    wait_until(lambda: not _exists(ddb, name, "due"))
    assert _exists(ddb, name, "later")

    records = read_all(streams, arn)
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "due"),
        ("INSERT", "later"),
        ("REMOVE", "due"),
    ]
    remove = records[-1]
    assert remove["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
    assert remove["dynamodb"]["OldImage"]["v"] == {"S": "bye"}
    assert all("userIdentity" not in r for r in records[:2])

    server.advance_clock(3601)
    wait_until(lambda: not _exists(ddb, name, "later"))
    last = read_all(streams, arn)[-1]
    assert last["eventName"] == "REMOVE" and last["userIdentity"]["Type"] == "Service"


def test_ttl_leaves_what_aws_leaves(server):
    ddb, _ = clients(server.endpoint)
    name, _ = _ttl_table(ddb, None)
    now = int(server.advance_clock(0))
    _put(ddb, name, "string", {"S": str(now - 100)})
    _put(ddb, name, "set", {"NS": [str(now - 100)]})
    _put(ddb, name, "nested", None, m={"M": {"expires": {"N": str(now - 100)}}})
    _put(ddb, name, "milliseconds", {"N": str(now * 1000)})
    _put(ddb, name, "far-future", {"N": str(now + 10 * YEAR)})
    _put(ddb, name, "ancient", {"N": str(now - 6 * YEAR)})
    _put(ddb, name, "no-ttl")
    _put(ddb, name, "marker", {"N": str(now - 1)})
    wait_until(lambda: not _exists(ddb, name, "marker"))  # the sweeper has been through
    server.advance_clock(2 * 86_400)
    _put(ddb, name, "marker-2", {"N": str(now)})
    wait_until(lambda: not _exists(ddb, name, "marker-2"))
    for pk in ("string", "set", "nested", "milliseconds", "far-future", "ancient", "no-ttl"):
        assert _exists(ddb, name, pk), pk


def test_ttl_only_where_enabled(server):
    ddb, _ = clients(server.endpoint)
    off, _ = _ttl_table(ddb, None, enable=False)
    on, _ = _ttl_table(ddb, None)
    now = int(server.advance_clock(0))
    _put(ddb, off, "x", {"N": str(now - 5)})
    _put(ddb, on, "x", {"N": str(now - 5)})
    wait_until(lambda: not _exists(ddb, on, "x"))
    assert _exists(ddb, off, "x")

    # Items written before TTL was enabled count too.
    ddb.update_time_to_live(
        TableName=off, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    wait_until(lambda: not _exists(ddb, off, "x"))


def test_rewriting_the_ttl_moves_the_deadline(server):
    ddb, _ = clients(server.endpoint)
    name, _ = _ttl_table(ddb, None)
    now = int(server.advance_clock(0))
    _put(ddb, name, "extended", {"N": str(now + 60)})
    _put(ddb, name, "dropped", {"N": str(now + 60)})
    _put(ddb, name, "shortened", {"N": str(now + 10 * YEAR)})
    ddb.update_item(
        TableName=name,
        Key={"pk": {"S": "extended"}},
        UpdateExpression="SET expires = :e",
        ExpressionAttributeValues={":e": {"N": str(now + 7200)}},
    )
    ddb.update_item(TableName=name, Key={"pk": {"S": "dropped"}}, UpdateExpression="REMOVE expires")
    ddb.update_item(
        TableName=name,
        Key={"pk": {"S": "shortened"}},
        UpdateExpression="SET expires = :e",
        ExpressionAttributeValues={":e": {"N": str(now + 30)}},
    )
    server.advance_clock(120)
    wait_until(lambda: not _exists(ddb, name, "shortened"))
    assert _exists(ddb, name, "extended") and _exists(ddb, name, "dropped")
    server.advance_clock(7200)
    wait_until(lambda: not _exists(ddb, name, "extended"))
    assert _exists(ddb, name, "dropped")


def test_ttl_keeps_the_global_index_consistent(server):
    ddb, streams = clients(server.endpoint)
    name, arn = _ttl_table(
        ddb,
        "KEYS_ONLY",
        extra_attributes=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    now = int(server.advance_clock(0))
    _put(ddb, name, "gone", {"N": str(now - 1)}, g={"S": "group"})
    _put(ddb, name, "stays", {"N": str(now + 3600)}, g={"S": "group"})

    def in_index() -> list[str]:
        items = ddb.query(
            TableName=name,
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "group"}},
        )["Items"]
        return sorted(i["pk"]["S"] for i in items)

    wait_until(lambda: not _exists(ddb, name, "gone"))
    assert in_index() == ["stays"]
    assert ddb.scan(TableName=name, Select="COUNT")["Count"] == 1
    removes = [r for r in read_all(streams, arn) if r["eventName"] == "REMOVE"]
    assert [r["dynamodb"]["Keys"] for r in removes] == [{"pk": {"S": "gone"}}]
