"""Scan: filters, paging, Limit, parallel segments, index scans."""

from __future__ import annotations

import pytest
from dynamodb_helpers import expect_error


@pytest.fixture
def filled(ddb, make_table):
    name = make_table(range_key=("sk", "N"))
    for p in range(10):
        for s in range(3):
            ddb.put_item(
                TableName=name,
                Item={
                    "pk": {"S": f"p{p}"},
                    "sk": {"N": str(s)},
                    "even": {"BOOL": (p + s) % 2 == 0},
                },
            )
    return name


def _keys(items):
    return {(i["pk"]["S"], i["sk"]["N"]) for i in items}


def test_scan_everything_and_filter(ddb, filled):
    everything = ddb.scan(TableName=filled)
    assert everything["Count"] == everything["ScannedCount"] == 30
    assert "LastEvaluatedKey" not in everything
    even = ddb.scan(
        TableName=filled,
        FilterExpression="even = :t",
        ExpressionAttributeValues={":t": {"BOOL": True}},
    )
    assert even["Count"] == 15 and even["ScannedCount"] == 30


def test_scan_pages_cover_each_item_once(ddb, filled):
    seen = []
    for page in ddb.get_paginator("scan").paginate(
        TableName=filled, PaginationConfig={"PageSize": 7}
    ):
        assert page["ScannedCount"] <= 7
        seen += page["Items"]
    assert len(seen) == 30 and len(_keys(seen)) == 30


def test_parallel_scan_segments_partition_the_table(ddb, filled):
    found = []
    for segment in range(4):
        page = ddb.scan(TableName=filled, Segment=segment, TotalSegments=4)
        found.append(_keys(page["Items"]))
    assert sum(len(f) for f in found) == 30
    assert set().union(*found) == _keys(ddb.scan(TableName=filled)["Items"])
    # Every item of one partition lands in the same segment.
    for f in found:
        for pk, _ in f:
            assert {(pk, str(s)) for s in range(3)} <= f
    # Paging within a segment.
    seen = []
    start = None
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        page = ddb.scan(TableName=filled, Segment=1, TotalSegments=4, Limit=2, **kw)
        seen += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert _keys(seen) == found[1]


def test_segment_errors(ddb, filled):
    expect_error(
        "ValidationException",
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 4 is not less than TotalSegments: 4",
        ddb.scan,
        TableName=filled,
        Segment=4,
        TotalSegments=4,
    )
    expect_error(
        "ValidationException",
        "The TotalSegments parameter is required but was not present in the request when "
        "Segment parameter is present",
        ddb.scan,
        TableName=filled,
        Segment=0,
    )


def test_scan_count_and_projection(ddb, filled):
    counted = ddb.scan(TableName=filled, Select="COUNT", Limit=5)
    assert counted["Count"] == 5 and "Items" not in counted
    projected = ddb.scan(TableName=filled, ProjectionExpression="sk", Limit=3)
    assert all(set(i) == {"sk"} for i in projected["Items"])
