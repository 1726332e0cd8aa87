"""PartiQL through boto3 and the AWS CLI: ExecuteStatement, BatchExecuteStatement and
ExecuteTransaction, with AWS's results and errors."""

from __future__ import annotations

import json
import shutil

import pytest
from dynamodb_helpers import expect_error, gsi

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "
INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"


def run(ddb, statement: str, *parameters, **extra) -> dict:
    if parameters:
        extra["Parameters"] = list(parameters)
    return ddb.execute_statement(Statement=statement, **extra)


def items_of(ddb, statement: str, *parameters, **extra) -> list[dict]:
    """Every item a SELECT returns, following NextToken."""
    found: list[dict] = []
    token = None
    while True:
        if token:
            extra["NextToken"] = token
        page = run(ddb, statement, *parameters, **extra)
        found.extend(page["Items"])
        token = page.get("NextToken")
        if not token:
            return found


def S(text: str) -> dict:
    return {"S": text}


def N(number) -> dict:
    return {"N": str(number)}


@pytest.fixture
def numbers(ddb, make_table):
    """A table keyed pk (S) + sk (N): partition 'p' holds sk 1..10, partitions 'q'/'r' one each."""
    name = make_table(range_key=("sk", "N"))
    for n in range(1, 11):
        item = {"pk": S("p"), "sk": N(n), "even": {"BOOL": n % 2 == 0}, "tag": S(f"t{n:02}")}
        ddb.put_item(TableName=name, Item=item)
    ddb.put_item(TableName=name, Item={"pk": S("q"), "sk": N(1), "tag": S("q1")})
    ddb.put_item(TableName=name, Item={"pk": S("r"), "sk": N(1)})
    return name


# -- INSERT / SELECT ---------------------------------------------------------


def test_insert_then_select_every_literal_type(ddb, table):
    run(
        ddb,
        f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': ?, 's': 'it''s', 'n': 1.50, "
        "'neg': -7, 'ok': TRUE, 'nothing': NULL, 'l': [1, 'two', [3]], "
        "'m': {'k': {'deep': FALSE}}, 'ss': <<'x', 'y'>>, 'ns': <<1, 2.5>>, 'b': ?}",
        S("1"),
        {"B": b"\x00\x01"},
    )
    items = run(ddb, f'SELECT * FROM "{table}" WHERE pk = ? AND sk = ?', S("a"), S("1"))["Items"]
    assert len(items) == 1
    item = items[0]
    assert item["s"] == S("it's")
    assert item["n"] == N("1.5")
    assert item["neg"] == N(-7)
    assert item["ok"] == {"BOOL": True}
    assert item["nothing"] == {"NULL": True}
    assert item["l"] == {"L": [N(1), S("two"), {"L": [N(3)]}]}
    assert item["m"] == {"M": {"k": {"M": {"deep": {"BOOL": False}}}}}
    assert sorted(item["ss"]["SS"]) == ["x", "y"]
    assert sorted(item["ns"]["NS"]) == ["1", "2.5"]
    assert item["b"] == {"B": b"\x00\x01"}
    # the regular API sees the same item
    got = ddb.get_item(TableName=table, Key={"pk": S("a"), "sk": S("1")})["Item"]
    assert got == item


def test_insert_of_an_existing_key_is_a_duplicate(ddb, table):
    statement = f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': 'b', 'v': ?}}"
    run(ddb, statement, N(1))
    expect_error(
        "DuplicateItemException",
        "Duplicate primary key exists in table",
        run,
        ddb,
        statement,
        N(2),
    )
    got = ddb.get_item(TableName=table, Key={"pk": S("a"), "sk": S("b")})["Item"]
    assert got["v"] == N(1)


def test_insert_needs_every_key_attribute_of_its_type(ddb, table):
    expect_error(
        "ValidationException",
        "Key attribute should be present in the item: Key sk",
        run,
        ddb,
        f"INSERT INTO \"{table}\" VALUE {{'pk': 'a'}}",
    )
    expect_error(
        "ValidationException",
        "Key attribute's data type should match its data type in table's schema: Key sk",
        run,
        ddb,
        f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': 5}}",
    )


def test_select_projection_names_each_path_by_its_last_name(ddb, table):
    ddb.put_item(
        TableName=table,
        Item={
            "pk": S("a"),
            "sk": S("b"),
            "top": S("t"),
            "m": {"M": {"k": {"L": [S("zero"), S("one")]}, "z": N(9)}},
            "dotted.name": S("d"),
        },
    )
    items = run(
        ddb,
        f'SELECT top, m.k[1], m.z, "dotted.name", absent FROM "{table}" WHERE pk = \'a\'',
    )["Items"]
    assert items == [{"top": S("t"), "k[1]": S("one"), "z": N(9), "dotted.name": S("d")}]


# -- WHERE -------------------------------------------------------------------

WHERE_CASES = [
    ("sk = 3", [3]),
    ("sk <> 3 AND sk < 5", [1, 2, 4]),
    ("sk < 3", [1, 2]),
    ("sk <= 3", [1, 2, 3]),
    ("sk > 8", [9, 10]),
    ("sk >= 9", [9, 10]),
    ("sk BETWEEN 4 AND 6", [4, 5, 6]),
    ("sk NOT BETWEEN 2 AND 9", [1, 10]),
    ("sk IN [1, 5, 7]", [1, 5, 7]),
    ("sk IN (2, 4)", [2, 4]),
    ("sk = 1 OR sk = 10", [1, 10]),
    ("NOT (sk > 2)", [1, 2]),
    ("even = TRUE AND sk < 5", [2, 4]),
    ("begins_with(tag, 't0')", [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ("contains(tag, '1')", [1, 10]),
    ("attribute_type(even, 'BOOL') AND sk > 8", [9, 10]),
    ("size(tag) = 3", list(range(1, 11))),
    ("tag IS MISSING", []),
    ("tag IS NOT MISSING AND sk < 3", [1, 2]),
    ("tag IS STRING AND even IS BOOLEAN AND sk IS NUMERIC AND sk < 2", [1]),
    ("\"tag\" = 't07'", [7]),
    ("(sk < 2 OR sk > 9) AND even = FALSE", [1]),
]


@pytest.mark.parametrize(("condition", "expected"), WHERE_CASES)
def test_where_clause_on_one_partition(ddb, numbers, condition, expected):
    items = items_of(ddb, f"SELECT sk FROM \"{numbers}\" WHERE pk = 'p' AND ({condition})")
    assert [int(i["sk"]["N"]) for i in items] == expected


def test_where_without_the_partition_key_scans(ddb, numbers):
    items = items_of(ddb, f'SELECT pk, sk FROM "{numbers}" WHERE tag IS MISSING')
    assert items == [{"pk": S("r"), "sk": N(1)}]
    everything = items_of(ddb, f'SELECT * FROM "{numbers}"')
    assert len(everything) == 12


def test_partition_key_equality_or_in_is_a_query(ddb, numbers):
    # Limit counts items read: a query of partition 'r' reads its one item first,
    # where a scan would read partition 'p' first and return nothing.
    page = run(
        ddb,
        f"SELECT * FROM \"{numbers}\" WHERE pk = 'r'",
        Limit=1,
        ConsistentRead=True,
        ReturnConsumedCapacity="TOTAL",
    )
    assert page["Items"] == [{"pk": S("r"), "sk": N(1)}]
    assert page["ConsumedCapacity"] == {"TableName": numbers, "CapacityUnits": 1.0}
    page = run(ddb, f"SELECT pk FROM \"{numbers}\" WHERE pk IN ['r', 'q']", Limit=2)
    assert page["Items"] == [{"pk": S("r")}, {"pk": S("q")}]
    page = run(ddb, f"SELECT pk FROM \"{numbers}\" WHERE pk = 'q' OR pk = 'r'", Limit=2)
    assert page["Items"] == [{"pk": S("q")}, {"pk": S("r")}]
    # a range on the partition key is a scan: the first item read does not match
    page = run(ddb, f"SELECT * FROM \"{numbers}\" WHERE pk > 'q'", Limit=1)
    assert page["Items"] == []
    assert "NextToken" in page


def test_limit_and_next_token_page_through_a_partition(ddb, numbers):
    statement = f'SELECT sk FROM "{numbers}" WHERE pk = ? AND sk > ?'
    pages = []
    token = None
    while True:
        extra = {"Limit": 3, **({"NextToken": token} if token else {})}
        page = run(ddb, statement, S("p"), N(2), **extra)
        pages.append([int(i["sk"]["N"]) for i in page["Items"]])
        token = page.get("NextToken")
        if not token:
            break
    assert [n for page in pages for n in page] == [3, 4, 5, 6, 7, 8, 9, 10]
    assert all(len(page) <= 3 for page in pages)


def test_order_by_the_sort_key(ddb, numbers):
    statement = f"SELECT sk FROM \"{numbers}\" WHERE pk = 'p' AND sk <= 4 ORDER BY sk DESC"
    assert [i["sk"] for i in items_of(ddb, statement, Limit=2)] == [N(4), N(3), N(2), N(1)]
    statement = f"SELECT pk FROM \"{numbers}\" WHERE pk IN ['q', 'r', 'p'] ORDER BY pk DESC"
    assert [i["pk"]["S"] for i in items_of(ddb, statement)] == ["r", "q"] + ["p"] * 10


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            'SELECT * FROM "{t}" ORDER BY sk',
            "Must have WHERE clause in the statement when using ORDER BY clause.",
        ),
        (
            "SELECT * FROM \"{t}\" WHERE tag = 'x' ORDER BY sk",
            "Must have at least one non-optional hash key condition in WHERE clause when using "
            "ORDER BY clause.",
        ),
        (
            "SELECT * FROM \"{t}\" WHERE pk = 'p' ORDER BY tag",
            "Variable reference tag in ORDER BY clause must be part of the primary key",
        ),
        (
            "SELECT * FROM \"{t}\" WHERE pk IN ['p', 'q'] ORDER BY sk",
            "Must have hash key in ORDER BY clause when more than one hash key condition "
            "specified in WHERE clause.",
        ),
    ],
)
def test_order_by_rules(ddb, numbers, statement, message):
    expect_error("ValidationException", message, run, ddb, statement.format(t=numbers))


def test_select_from_a_global_index(ddb, make_table):
    name = make_table(
        attributes={"owner": "S"},
        GlobalSecondaryIndexes=[gsi("by-owner", "owner", projection="KEYS_ONLY")],
    )
    run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'owner': 'ann', 'extra': 1}}")
    run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'b', 'owner': 'bob'}}")
    items = run(ddb, f'SELECT * FROM "{name}"."by-owner" WHERE owner = \'ann\'')["Items"]
    assert items == [{"pk": S("a"), "owner": S("ann")}]
    expect_error(
        "ValidationException",
        "Strongly consistent read is not supported on Global Secondary Indexes",
        run,
        ddb,
        f'SELECT * FROM "{name}"."by-owner" WHERE owner = \'ann\'',
        ConsistentRead=True,
    )
    expect_error(
        "ValidationException",
        "The table does not have the specified index: nope",
        run,
        ddb,
        f'SELECT * FROM "{name}"."nope"',
    )


# -- UPDATE / DELETE ---------------------------------------------------------


def test_update_set_remove_and_collection_functions(ddb, table):
    ddb.put_item(
        TableName=table,
        Item={
            "pk": S("a"),
            "sk": S("b"),
            "n": N(5),
            "l": {"L": [N(1)]},
            "tags": {"SS": ["x", "y"]},
            "gone": S("bye"),
            "m": {"M": {"inner": S("old")}},
        },
    )
    run(
        ddb,
        f'UPDATE "{table}" SET n = n + 2, l = list_append(l, [2, 3]) '
        "SET tags = set_add(tags, <<'z'>>) SET m.inner = ? REMOVE gone "
        "WHERE pk = 'a' AND sk = 'b'",
        S("new"),
    )
    run(ddb, f"UPDATE \"{table}\" SET tags = set_delete(tags, <<'x'>>) WHERE pk='a' AND sk='b'")
    got = ddb.get_item(TableName=table, Key={"pk": S("a"), "sk": S("b")})["Item"]
    assert got["n"] == N(7)
    assert got["l"] == {"L": [N(1), N(2), N(3)]}
    assert sorted(got["tags"]["SS"]) == ["y", "z"]
    assert got["m"] == {"M": {"inner": S("new")}}
    assert "gone" not in got


@pytest.mark.parametrize(
    ("returning", "expected"),
    [
        ("", []),
        ("RETURNING ALL OLD *", [{"pk": S("a"), "sk": S("b"), "v": N(1), "w": S("keep")}]),
        ("RETURNING ALL NEW *", [{"pk": S("a"), "sk": S("b"), "v": N(2), "w": S("keep")}]),
        ("RETURNING MODIFIED OLD *", [{"v": N(1)}]),
        ("RETURNING MODIFIED NEW *", [{"v": N(2)}]),
    ],
)
def test_update_returning(ddb, table, returning, expected):
    ddb.put_item(TableName=table, Item={"pk": S("a"), "sk": S("b"), "v": N(1), "w": S("keep")})
    out = run(ddb, f"UPDATE \"{table}\" SET v = 2 WHERE pk = 'a' AND sk = 'b' {returning}")
    assert out["Items"] == expected


def test_update_of_a_missing_item_fails_its_condition(ddb, table):
    expect_error(
        "ConditionalCheckFailedException",
        "The conditional request failed",
        run,
        ddb,
        f"UPDATE \"{table}\" SET v = 1 WHERE pk = 'nobody' AND sk = 'x'",
    )
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": S("nobody"), "sk": S("x")})


def test_extra_where_conditions_guard_the_write(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": S("a"), "sk": S("b"), "state": S("open")})
    err = expect_error(
        "ConditionalCheckFailedException",
        "The conditional request failed",
        run,
        ddb,
        f"UPDATE \"{table}\" SET state = 'done' WHERE pk = 'a' AND sk = 'b' AND state = 'new'",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert err.response["Item"] == {"pk": S("a"), "sk": S("b"), "state": S("open")}
    run(ddb, f"UPDATE \"{table}\" SET state = 'done' WHERE pk='a' AND sk='b' AND state='open'")
    expect_error(
        "ConditionalCheckFailedException",
        None,
        run,
        ddb,
        f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 'b' AND state = 'open'",
    )
    out = run(
        ddb,
        f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 'b' AND state = 'done' "
        "RETURNING ALL OLD *",
    )
    assert out["Items"] == [{"pk": S("a"), "sk": S("b"), "state": S("done")}]
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": S("a"), "sk": S("b")})
    # deleting what is not there succeeds and returns nothing
    assert run(ddb, f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 'b'")["Items"] == []


def test_writes_keep_indexes_and_streams_in_step(ddb, client_factory, make_table):
    name = make_table(
        attributes={"owner": "S"},
        GlobalSecondaryIndexes=[gsi("by-owner", "owner")],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'owner': 'ann'}}")
    run(ddb, f"UPDATE \"{name}\" SET owner = 'bob' WHERE pk = 'a'")
    by_owner = ddb.query(
        TableName=name,
        IndexName="by-owner",
        KeyConditionExpression="#o = :o",
        ExpressionAttributeNames={"#o": "owner"},
        ExpressionAttributeValues={":o": S("bob")},
    )["Items"]
    assert by_owner == [{"pk": S("a"), "owner": S("bob")}]
    run(ddb, f"DELETE FROM \"{name}\" WHERE pk = 'a'")

    streams = client_factory("dynamodbstreams")
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[1]["dynamodb"]["NewImage"]["owner"] == S("bob")


# -- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "parameters", "message"),
    [
        ('SELEC * FROM "{t}"', [], NOT_WELL_FORMED + "Expected data manipulation"),
        ('SELECT * FROM "{t}" WHERE', [], NOT_WELL_FORMED + "Unexpected end of statement"),
        ('SELECT * "{t}"', [], NOT_WELL_FORMED + "Unexpected token"),
        (
            'SELECT * FROM "{t}" WHERE pk = ?',
            [],
            "Number of parameters in request and statement don't match.",
        ),
        (
            'SELECT * FROM "{t}" WHERE pk = MISSING',
            [],
            "MISSING must be compared using IS operator",
        ),
        ("UPDATE \"{t}\" SET v = 1 WHERE pk = 'a'", [], INCOMPLETE_KEY),
        ("UPDATE \"{t}\" SET v = 1 WHERE pk = 'a' OR sk = 'b'", [], INCOMPLETE_KEY),
        ("DELETE FROM \"{t}\" WHERE sk = 'b'", [], INCOMPLETE_KEY),
        ('DELETE FROM "{t}"', [], INCOMPLETE_KEY),
        (
            "UPDATE \"{t}\" SET pk = 'x' WHERE pk = 'a' AND sk = 'b'",
            [],
            "One or more parameter "
            "values were invalid: Cannot update attribute pk. This attribute is part of the key",
        ),
        (
            "DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 'b' RETURNING ALL NEW *",
            [],
            "Invalid "
            "returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE "
            "statements.",
        ),
        (
            "EXISTS(SELECT * FROM \"{t}\" WHERE pk = 'a' AND sk = 'b')",
            [],
            "EXISTS can only be used in ExecuteTransaction write requests.",
        ),
        (
            'SELECT * FROM "{t}" WHERE pk = 1',
            [],
            "Key attribute's data type should match its data type in table's schema: Key pk",
        ),
        ("UPSERT INTO \"{t}\" VALUE {{'pk': 'a', 'sk': 'b'}}", [], "Unsupported operation: UPSERT"),
        (
            "INSERT INTO \"{t}\" VALUE {{'pk': 'a', 'sk': 'b', 's': <<>>}}",
            [],
            "Empty bags are not supported",
        ),
        ('SELECT * FROM "{t}" LIMIT 1', [], "Unsupported clause: LIMIT"),
    ],
)
def test_statement_errors(ddb, table, statement, parameters, message):
    expect_error("ValidationException", message, run, ddb, statement.format(t=table), *parameters)


def test_unknown_table_and_bad_next_token(ddb, table):
    expect_error("ResourceNotFoundException", None, run, ddb, 'SELECT * FROM "no-such-table"')
    expect_error(
        "ResourceNotFoundException",
        None,
        run,
        ddb,
        "INSERT INTO \"no-such-table\" VALUE {'pk': 'a'}",
    )
    expect_error(
        "ValidationException",
        "Invalid NextToken",
        run,
        ddb,
        f'SELECT * FROM "{table}"',
        NextToken="not-a-token",
    )


def test_next_token_of_another_statement_is_refused(ddb, numbers):
    page = run(ddb, f"SELECT * FROM \"{numbers}\" WHERE pk = 'p'", Limit=1)
    expect_error(
        "ValidationException",
        "The provided starting key is invalid",
        run,
        ddb,
        f"SELECT * FROM \"{numbers}\" WHERE pk = 'q'",
        NextToken=page["NextToken"],
    )


# -- BatchExecuteStatement ---------------------------------------------------


def test_batch_writes_report_each_statement(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": S("dup"), "sk": S("1")})
    ddb.put_item(TableName=table, Item={"pk": S("held"), "sk": S("1"), "v": N(0)})
    out = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'new', 'sk': '1'}}"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'dup', 'sk': '1'}}"},
            {
                "Statement": f'UPDATE "{table}" SET v = 1 WHERE pk = ? AND sk = ? AND v = 5',
                "Parameters": [S("held"), S("1")],
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            },
            {"Statement": f'UPDATE "{table}" SET v = 1 WHERE pk = ?'},
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'gone' AND sk = '1'"},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    responses = out["Responses"]
    assert responses[0] == {"TableName": table}
    assert responses[1]["Error"] == {
        "Code": "DuplicateItem",
        "Message": "Duplicate primary key exists in table",
    }
    assert responses[2]["Error"]["Code"] == "ConditionalCheckFailed"
    assert responses[2]["Error"]["Item"] == {"pk": S("held"), "sk": S("1"), "v": N(0)}
    assert responses[3]["Error"] == {
        "Code": "ValidationError",
        "Message": "Number of parameters in request and statement don't match.",
    }
    assert responses[4] == {"TableName": table}
    assert out["ConsumedCapacity"][0]["TableName"] == table
    assert "Item" in ddb.get_item(TableName=table, Key={"pk": S("new"), "sk": S("1")})


def test_batch_reads_by_key(ddb, numbers):
    out = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"SELECT tag FROM \"{numbers}\" WHERE pk = 'p' AND sk = 3"},
            {"Statement": f"SELECT * FROM \"{numbers}\" WHERE pk = 'p' AND sk = 99"},
            {
                "Statement": f"SELECT * FROM \"{numbers}\" WHERE pk = 'p' AND sk = 4 AND even = FALSE"
            },
            {"Statement": f"SELECT * FROM \"{numbers}\" WHERE pk = 'q'"},
            {"Statement": "SELECT * FROM \"no-such-table\" WHERE pk = 'a'"},
        ]
    )
    responses = out["Responses"]
    assert responses[0] == {"TableName": numbers, "Item": {"tag": S("t03")}}
    assert responses[1] == {"TableName": numbers}
    assert responses[2] == {"TableName": numbers}
    assert responses[3]["Error"] == {"Code": "ValidationError", "Message": INCOMPLETE_KEY}
    assert responses[4]["Error"]["Code"] == "ResourceNotFound"


def test_batch_may_not_touch_one_item_twice(ddb, table):
    expect_error(
        "ValidationException",
        "Provided list of item keys contains duplicates",
        ddb.batch_execute_statement,
        Statements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': 'b'}}"},
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 'b'"},
        ],
    )


@pytest.mark.parametrize(
    ("operation", "field", "limit"),
    [
        ("batch_execute_statement", "Statements", 25),
        ("execute_transaction", "TransactStatements", 100),
    ],
)
def test_statement_count_limits(ddb, table, operation, field, limit):
    statements = [
        {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = '{n}'"}
        for n in range(limit + 1)
    ]
    where = field[0].lower() + field[1:]
    expect_error(
        "ValidationException",
        f"1 validation error detected: Value at '{where}' failed to satisfy constraint: "
        f"Member must have length less than or equal to {limit}",
        getattr(ddb, operation),
        **{field: statements},
    )
    assert getattr(ddb, operation)(**{field: statements[:limit]})["Responses"]


def test_batch_may_not_mix_reads_and_writes(ddb, table):
    expect_error(
        "ValidationException",
        "Read and write requests together in the same batch is not supported.",
        ddb.batch_execute_statement,
        Statements=[
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 'b'"},
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 'b'"},
        ],
    )


# -- ExecuteTransaction ------------------------------------------------------


def test_transaction_is_all_or_nothing(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": S("guard"), "sk": S("1"), "open": {"BOOL": False}})
    err = expect_error(
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed, None]",
        ddb.execute_transaction,
        TransactStatements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'x', 'sk': '1'}}"},
            {
                "Statement": f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'guard' AND "
                "sk = '1' AND open = TRUE)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            },
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'other' AND sk = '1'"},
        ],
    )
    reasons = err.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Item"] == {"pk": S("guard"), "sk": S("1"), "open": {"BOOL": False}}
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": S("x"), "sk": S("1")})
    assert "Item" in ddb.get_item(TableName=table, Key={"pk": S("guard"), "sk": S("1")})

    ddb.update_item(
        TableName=table,
        Key={"pk": S("guard"), "sk": S("1")},
        UpdateExpression="SET #o = :t",
        ExpressionAttributeNames={"#o": "open"},
        ExpressionAttributeValues={":t": {"BOOL": True}},
    )
    out = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'x', 'sk': '1'}}"},
            {
                "Statement": f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'guard' AND "
                "sk = '1' AND open = TRUE)"
            },
        ],
    )
    assert out["Responses"] == [{}, {}]
    assert "Item" in ddb.get_item(TableName=table, Key={"pk": S("x"), "sk": S("1")})


def test_transaction_reports_duplicate_inserts(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": S("a"), "sk": S("1")})
    err = expect_error(
        "TransactionCanceledException",
        None,
        ddb.execute_transaction,
        TransactStatements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': '1'}}"},
            {"Statement": f"UPDATE \"{table}\" SET v = 1 WHERE pk = 'missing' AND sk = '1'"},
        ],
    )
    assert err.response["CancellationReasons"] == [
        {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]


def test_transaction_reads(ddb, numbers):
    out = ddb.execute_transaction(
        TransactStatements=[
            {
                "Statement": f'SELECT sk, tag FROM "{numbers}" WHERE pk = ? AND sk = ?',
                "Parameters": [S("p"), N(2)],
            },
            {"Statement": f"SELECT * FROM \"{numbers}\" WHERE pk = 'p' AND sk = 77"},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert out["Responses"] == [{"Item": {"sk": N(2), "tag": S("t02")}}, {}]
    assert out["ConsumedCapacity"] == [{"TableName": numbers, "CapacityUnits": 4.0}]


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        (
            [
                "SELECT * FROM \"{t}\" WHERE pk = 'a' AND sk = 'b'",
                "DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 'c'",
            ],
            "ExecuteTransaction API does not support both read and write operations in the "
            "same request.",
        ),
        (
            ["SELECT * FROM \"{t}\" WHERE pk = 'a'"],
            "Select statements within ExecuteTransaction must specify the primary key in the "
            "where clause.",
        ),
        (
            [
                "DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 'b'",
                "UPDATE \"{t}\" SET v = 1 WHERE pk = 'a' AND sk = 'b'",
            ],
            "Transaction request cannot include multiple operations on one item",
        ),
    ],
)
def test_transaction_validation(ddb, table, statements, message):
    expect_error(
        "ValidationException",
        message,
        ddb.execute_transaction,
        TransactStatements=[{"Statement": s.format(t=table)} for s in statements],
    )


def test_transaction_client_request_token_is_idempotent(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": S("c"), "sk": S("1"), "n": N(0)})
    statements = [{"Statement": f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 'c' AND sk = '1'"}]
    for _ in range(2):
        ddb.execute_transaction(TransactStatements=statements, ClientRequestToken="tok-partiql")
    got = ddb.get_item(TableName=table, Key={"pk": S("c"), "sk": S("1")})["Item"]
    assert got["n"] == N(1)
    expect_error(
        "IdempotentParameterMismatchException",
        None,
        ddb.execute_transaction,
        TransactStatements=[{"Statement": statements[0]["Statement"].replace("+ 1", "+ 2")}],
        ClientRequestToken="tok-partiql",
    )


# -- AWS CLI -----------------------------------------------------------------


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")
def test_cli_execute_statement(aws, ddb, table):
    aws(
        "dynamodb",
        "execute-statement",
        "--statement",
        f"INSERT INTO \"{table}\" VALUE {{'pk': 'cli', 'sk': '1', 'v': ?}}",
        "--parameters",
        json.dumps([{"N": "42"}]),
    )
    out = aws(
        "dynamodb",
        "execute-statement",
        "--statement",
        f"SELECT v FROM \"{table}\" WHERE pk = 'cli'",
        "--output",
        "json",
    )
    assert json.loads(out.stdout)["Items"] == [{"v": {"N": "42"}}]
    failed = aws(
        "dynamodb",
        "execute-statement",
        "--statement",
        f"INSERT INTO \"{table}\" VALUE {{'pk': 'cli', 'sk': '1'}}",
        check=False,
    )
    assert failed.returncode != 0
    assert "DuplicateItemException" in failed.stderr
