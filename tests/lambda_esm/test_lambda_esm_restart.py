"""A DynamoDB stream mapping's checkpoint is durable: after a kill -9 and a restart the
poller resumes where it left off, without losing a record or re-delivering a batch."""

from __future__ import annotations

import time

import boto3
from botocore.config import Config
from esm_helpers import STREAM_HANDLER, create_function, create_stream_table, invocations, wait

from strato_server import StratoProcess


def _client(endpoint: str, service: str):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=120),
    )


def _pks(s3, bucket) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for e in invocations(s3, bucket) for r in e["Records"]]


def test_checkpoint_survives_kill_and_restart(tmp_path):
    state = str(tmp_path / "state")
    server = StratoProcess(state).start()
    try:
        lam, ddb, s3 = (_client(server.endpoint, s) for s in ("lambda", "dynamodb", "s3"))
        s3.create_bucket(Bucket="esm-out")
        name = create_function(lam, STREAM_HANDLER, "esm-out")
        table, stream_arn = create_stream_table(ddb)
        mapping = lam.create_event_source_mapping(
            FunctionName=name,
            EventSourceArn=stream_arn,
            StartingPosition="TRIM_HORIZON",
            BatchSize=1,
        )["UUID"]
        for i in range(3):
            ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}})
        assert wait(lambda: len(_pks(s3, "esm-out")) >= 3)
        # A failing record blocks the shard; the records behind it wait.
        ddb.put_item(TableName=table, Item={"pk": {"S": "poison"}, "fail": {"BOOL": True}})
        ddb.put_item(TableName=table, Item={"pk": {"S": "k3"}})
        assert wait(lambda: "poison" in _pks(s3, "esm-out"))
        server.kill()

        server = StratoProcess(state, port=server.port).start()
        lam, ddb, s3 = (_client(server.endpoint, s) for s in ("lambda", "dynamodb", "s3"))
        assert lam.get_event_source_mapping(UUID=mapping)["State"] == "Enabled"
        lam.update_function_configuration(
            FunctionName=name, Environment={"Variables": {"OUT": "esm-out", "FORGIVE": "1"}}
        )
        ddb.put_item(TableName=table, Item={"pk": {"S": "k4"}})
        assert wait(
            lambda: _pks(s3, "esm-out")[-2:] == ["k3", "k4"],
            tick=lambda: server.advance_clock(5),  # past the retry backoff
        )
        time.sleep(1)  # nothing more arrives
        delivered = _pks(s3, "esm-out")
        first_poison = delivered.index("poison")
        assert delivered[:first_poison] == ["k0", "k1", "k2"]
        assert set(delivered[first_poison:-2]) == {"poison"}
        assert delivered[-2:] == ["k3", "k4"]
    finally:
        server.stop()
