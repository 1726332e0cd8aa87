"""Time on a private server's clock: 24-hour retention, 15-minute iterators, and restarts."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from streams_helpers import clients, create_table, iterator, read_all

from strato_server import StratoProcess

HOUR = 3600


@pytest.fixture
def server(tmp_path):
    proc = StratoProcess(str(tmp_path / "state")).start()
    yield proc
    proc.stop()


def _keys(records) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]


def _code(err: pytest.ExceptionInfo) -> str:
    return err.value.response["Error"]["Code"]


def test_records_are_trimmed_after_24_hours(server):
    ddb, streams = clients(server.endpoint)
    name, arn = create_table(ddb, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "old-1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "old-2"}})
    first, second = (r["dynamodb"]["SequenceNumber"] for r in read_all(streams, arn))

    server.advance_clock(23 * HOUR)
    ddb.put_item(TableName=name, Item={"pk": {"S": "day-1"}})
    assert _keys(read_all(streams, arn)) == ["old-1", "old-2", "day-1"]

    server.advance_clock(HOUR + 60)  # the old records are 24 h 1 min old
    assert _keys(read_all(streams, arn)) == ["day-1"]
    for kind, seq in (("AT_SEQUENCE_NUMBER", second), ("AFTER_SEQUENCE_NUMBER", first)):
        with pytest.raises(ClientError) as err:
            iterator(streams, arn, kind, seq)
        assert _code(err) == "TrimmedDataAccessException"
    # Just after the newest trimmed record is fine: nothing the iterator would read is gone.
    assert _keys(read_all(streams, arn, "AFTER_SEQUENCE_NUMBER", second)) == ["day-1"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "day-2"}})
    assert _keys(read_all(streams, arn)) == ["day-1", "day-2"]


def test_an_iterator_overtaken_by_trimming(server):
    """An iterator obtained before its record ages out fails with TrimmedDataAccessException."""
    ddb, streams = clients(server.endpoint)
    name, arn = create_table(ddb, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "ageing"}})
    server.advance_clock(24 * HOUR - 5 * 60)
    it = iterator(streams, arn, "TRIM_HORIZON")
    first = streams.get_records(ShardIterator=it, Limit=1)
    assert _keys(first["Records"]) == ["ageing"]
    at = iterator(
        streams, arn, "AT_SEQUENCE_NUMBER", first["Records"][0]["dynamodb"]["SequenceNumber"]
    )
    server.advance_clock(10 * 60)
    with pytest.raises(ClientError) as err:
        streams.get_records(ShardIterator=at)
    assert _code(err) == "TrimmedDataAccessException"
    # A trim-horizon iterator just moves on to what is left.
    assert streams.get_records(ShardIterator=it)["Records"] == []


def test_iterators_expire_after_15_minutes(server):
    ddb, streams = clients(server.endpoint)
    name, arn = create_table(ddb, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    it = iterator(streams, arn)
    server.advance_clock(14 * 60)
    page = streams.get_records(ShardIterator=it)
    assert _keys(page["Records"]) == ["a"]
    server.advance_clock(2 * 60)
    with pytest.raises(ClientError) as err:
        streams.get_records(ShardIterator=it)  # 16 minutes old
    assert _code(err) == "ExpiredIteratorException"
    # The iterator GetRecords handed back is fresh.
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}})
    assert _keys(streams.get_records(ShardIterator=page["NextShardIterator"])["Records"]) == ["b"]


def test_records_and_iterators_survive_a_restart(server):
    ddb, streams = clients(server.endpoint)
    name, arn = create_table(ddb, "NEW_IMAGE")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    it = iterator(streams, arn)
    page = streams.get_records(ShardIterator=it)
    server.kill()
    server.start()
    ddb, streams = clients(server.endpoint)
    assert _keys(streams.get_records(ShardIterator=it)["Records"]) == ["a"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}, "v": {"N": "2"}})
    after = streams.get_records(ShardIterator=page["NextShardIterator"])["Records"]
    assert _keys(after) == ["b"]
    assert int(after[0]["dynamodb"]["SequenceNumber"]) > int(
        page["Records"][0]["dynamodb"]["SequenceNumber"]
    )
