"""Query: key conditions over ordered sort keys, direction, paging, filters, Select, indexes."""

from __future__ import annotations

import pytest
from dynamodb_helpers import expect_error, gsi

NUMBERS = ["-1000", "-2.5", "-2", "0", "0.001", "1", "1.5", "2", "10", "99.9", "1E3"]


@pytest.fixture
def numbers(ddb, make_table):
    name = make_table(range_key=("n", "N"))
    for n in reversed(NUMBERS):
        ddb.put_item(
            TableName=name,
            Item={"pk": {"S": "p"}, "n": {"N": n}, "odd": {"BOOL": n in ("1", "-1000")}},
        )
    ddb.put_item(TableName=name, Item={"pk": {"S": "other"}, "n": {"N": "5"}})
    return name


def _q(ddb, table, condition, values, **kw):
    return ddb.query(
        TableName=table,
        KeyConditionExpression=condition,
        ExpressionAttributeValues={":p": {"S": "p"}, **values},
        **kw,
    )


def _ns(page):
    return [i["n"]["N"] for i in page["Items"]]


def test_numbers_sort_numerically(ddb, numbers):
    expected = ["-1000", "-2.5", "-2", "0", "0.001", "1", "1.5", "2", "10", "99.9", "1000"]
    assert _ns(_q(ddb, numbers, "pk = :p", {})) == expected
    assert _ns(_q(ddb, numbers, "pk = :p", {}, ScanIndexForward=False)) == expected[::-1]


@pytest.mark.parametrize(
    "condition,values,expected",
    [
        ("n = :a", {":a": "2"}, ["2"]),
        ("n < :a", {":a": "0"}, ["-1000", "-2.5", "-2"]),
        ("n <= :a", {":a": "0"}, ["-1000", "-2.5", "-2", "0"]),
        ("n > :a", {":a": "2"}, ["10", "99.9", "1000"]),
        ("n >= :a", {":a": "2"}, ["2", "10", "99.9", "1000"]),
        ("n BETWEEN :a AND :b", {":a": "-2", ":b": "1.5"}, ["-2", "0", "0.001", "1", "1.5"]),
        (":a < n", {":a": "10"}, ["99.9", "1000"]),
    ],
)
def test_sort_key_conditions(ddb, numbers, condition, values, expected):
    page = _q(ddb, numbers, f"pk = :p AND {condition}", {k: {"N": v} for k, v in values.items()})
    assert _ns(page) == expected


def test_begins_with_and_binary_order(ddb, make_table):
    name = make_table(range_key=("sk", "S"))
    for sk in ["a", "ab", "abc", "abd", "b", "a\u00e9", "B"]:
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": sk}})
    page = _q(ddb, name, "pk = :p AND begins_with(sk, :x)", {":x": {"S": "ab"}})
    assert [i["sk"]["S"] for i in page["Items"]] == ["ab", "abc", "abd"]
    everything = [i["sk"]["S"] for i in _q(ddb, name, "pk = :p", {})["Items"]]
    assert everything == sorted(everything, key=lambda s: s.encode())
    blobs = make_table(range_key=("b", "B"))
    for raw in [b"\xff", b"\x00", b"\x00\x00", b"\x01", b"\xfe\xff"]:
        ddb.put_item(TableName=blobs, Item={"pk": {"S": "p"}, "b": {"B": raw}})
    got = [i["b"]["B"] for i in _q(ddb, blobs, "pk = :p", {})["Items"]]
    assert got == [b"\x00", b"\x00\x00", b"\x01", b"\xfe\xff", b"\xff"]
    prefixed = _q(ddb, blobs, "pk = :p AND begins_with(b, :x)", {":x": {"B": b"\x00"}})
    assert [i["b"]["B"] for i in prefixed["Items"]] == [b"\x00", b"\x00\x00"]


def test_limit_and_pagination(ddb, numbers):
    seen = []
    start = None
    pages = 0
    while True:
        kw = {"Limit": 4, **({"ExclusiveStartKey": start} if start else {})}
        page = _q(ddb, numbers, "pk = :p", {}, **kw)
        seen += _ns(page)
        pages += 1
        start = page.get("LastEvaluatedKey")
        if not start:
            break
        assert set(start) == {"pk", "n"}
    assert pages == 3
    assert len(seen) == len(NUMBERS)
    backwards = _q(ddb, numbers, "pk = :p", {}, Limit=2, ScanIndexForward=False)
    assert _ns(backwards) == ["1000", "99.9"]
    rest = _q(
        ddb,
        numbers,
        "pk = :p",
        {},
        ScanIndexForward=False,
        ExclusiveStartKey=backwards["LastEvaluatedKey"],
    )
    assert _ns(rest)[0] == "10"


def test_filter_applies_after_limit(ddb, numbers):
    page = _q(ddb, numbers, "pk = :p", {":t": {"BOOL": True}}, FilterExpression="odd = :t", Limit=6)
    assert page["ScannedCount"] == 6 and page["Count"] == 2
    assert _ns(page) == ["-1000", "1"]
    assert "LastEvaluatedKey" in page


def test_select_count_and_projection(ddb, numbers):
    counted = _q(ddb, numbers, "pk = :p", {}, Select="COUNT")
    assert counted["Count"] == len(NUMBERS) and "Items" not in counted
    projected = _q(ddb, numbers, "pk = :p", {}, ProjectionExpression="n", Limit=1)
    assert projected["Items"] == [{"n": {"N": "-1000"}}]
    expect_error(
        "ValidationException",
        "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES",
        _q,
        ddb,
        numbers,
        "pk = :p",
        {},
        Select="ALL_ATTRIBUTES",
        ProjectionExpression="n",
    )


def test_query_errors(ddb, numbers):
    expect_error(
        "ValidationException",
        "Query condition missed key schema element: pk",
        ddb.query,
        TableName=numbers,
        KeyConditionExpression="n = :n",
        ExpressionAttributeValues={":n": {"N": "1"}},
    )
    expect_error(
        "ValidationException",
        "One or more parameter values were invalid: Condition parameter type does not match schema type",
        _q,
        ddb,
        numbers,
        "pk = :p AND n = :s",
        {":s": {"S": "1"}},
    )
    expect_error(
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema",
        _q,
        ddb,
        numbers,
        "pk = :p",
        {},
        ExclusiveStartKey={"pk": {"S": "p"}},
    )
    expect_error(
        "ValidationException",
        "The table does not have the specified index: nope",
        _q,
        ddb,
        numbers,
        "pk = :p",
        {},
        IndexName="nope",
    )


@pytest.fixture
def indexed(ddb, make_table):
    name = make_table(
        range_key=("sk", "S"),
        attributes={"status": "S", "score": "N", "at": "S"},
        GlobalSecondaryIndexes=[
            gsi("by-status", "status", "score", projection=["title"]),
            gsi("by-status-all", "status"),
        ],
        LocalSecondaryIndexes=[gsi("by-at", "pk", "at", projection="KEYS_ONLY")],
    )
    rows = [
        ("u1", "o1", "open", "30", "2024-03"),
        ("u1", "o2", "open", "10", "2024-01"),
        ("u1", "o3", "closed", "20", "2024-02"),
        ("u2", "o4", "open", "20", "2024-04"),
        ("u2", "o5", None, None, "2024-05"),  # sparse: not in the GSIs
    ]
    for pk, sk, status, score, at in rows:
        item = {
            "pk": {"S": pk},
            "sk": {"S": sk},
            "at": {"S": at},
            "title": {"S": sk.upper()},
            "body": {"S": "long"},
        }
        if status:
            item["status"] = {"S": status}
            item["score"] = {"N": score}
        ddb.put_item(TableName=name, Item=item)
    return name


def test_gsi_query_with_include_projection(ddb, indexed):
    page = ddb.query(
        TableName=indexed,
        IndexName="by-status",
        KeyConditionExpression="#s = :open",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":open": {"S": "open"}},
    )
    assert [i["sk"]["S"] for i in page["Items"]] == ["o2", "o4", "o1"]  # by score
    assert set(page["Items"][0]) == {"pk", "sk", "status", "score", "title"}
    expect_error(
        "ValidationException",
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
        "for global secondary index by-status because its projection type is not ALL",
        ddb.query,
        TableName=indexed,
        IndexName="by-status",
        Select="ALL_ATTRIBUTES",
        KeyConditionExpression="#s = :open",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":open": {"S": "open"}},
    )
    expect_error(
        "ValidationException",
        "Consistent reads are not supported on global secondary indexes",
        ddb.query,
        TableName=indexed,
        IndexName="by-status",
        ConsistentRead=True,
        KeyConditionExpression="#s = :open",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":open": {"S": "open"}},
    )


def test_gsi_pagination_and_sparse_index(ddb, indexed):
    seen = []
    start = None
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        page = ddb.query(
            TableName=indexed,
            IndexName="by-status-all",
            KeyConditionExpression="#s = :open",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":open": {"S": "open"}},
            Limit=1,
            **kw,
        )
        seen += [i["sk"]["S"] for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
        assert set(start) == {"pk", "sk", "status"}
    assert sorted(seen) == ["o1", "o2", "o4"]
    assert ddb.scan(TableName=indexed, IndexName="by-status")["Count"] == 4
    assert (
        ddb.describe_table(TableName=indexed)["Table"]["GlobalSecondaryIndexes"][0]["ItemCount"]
        == 4
    )


def test_lsi_query_fetches_unprojected_attributes(ddb, indexed):
    page = ddb.query(
        TableName=indexed,
        IndexName="by-at",
        KeyConditionExpression="pk = :u AND #at > :t",
        ExpressionAttributeNames={"#at": "at"},
        ExpressionAttributeValues={":u": {"S": "u1"}, ":t": {"S": "2024-01"}},
    )
    assert [set(i) for i in page["Items"]] == [{"pk", "sk", "at"}] * 2  # KEYS_ONLY
    full = ddb.query(
        TableName=indexed,
        IndexName="by-at",
        Select="ALL_ATTRIBUTES",
        KeyConditionExpression="pk = :u",
        ExpressionAttributeValues={":u": {"S": "u1"}},
        ScanIndexForward=False,
    )
    assert [i["sk"]["S"] for i in full["Items"]] == ["o1", "o3", "o2"]
    assert all(i["body"] == {"S": "long"} for i in full["Items"])


def test_one_megabyte_pages(ddb, make_table):
    name = make_table(range_key=("sk", "N"))
    blob = "x" * 100_000
    for n in range(25):
        ddb.put_item(
            TableName=name,
            Item={"pk": {"S": "p"}, "sk": {"N": str(n)}, "n": {"N": str(n)}, "v": {"S": blob}},
        )
    first = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        ReturnConsumedCapacity="TOTAL",
    )
    assert first["Count"] == 11  # stops once 1 MB has been read
    assert first["LastEvaluatedKey"]["sk"] == {"N": "10"}
    item_bytes = 2 + 1 + 2 + 2 + 1 + 2 + 1 + 100_000
    assert first["ConsumedCapacity"]["CapacityUnits"] == -(-11 * item_bytes // 4096) / 2
    filtered = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p",
        FilterExpression="n > :big",
        ExpressionAttributeValues={":p": {"S": "p"}, ":big": {"N": "100"}},
    )
    assert filtered["Count"] == 0 and filtered["ScannedCount"] == 11
    assert "LastEvaluatedKey" in filtered


def test_filter_may_not_use_key_attributes(ddb, numbers):
    expect_error(
        "ValidationException",
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: n",
        _q,
        ddb,
        numbers,
        "pk = :p",
        {":a": {"N": "1"}},
        FilterExpression="n > :a",
    )
