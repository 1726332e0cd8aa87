"""Helpers for the Step Functions examples' tests: private servers, histories, the clock."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

import boto3
from botocore.config import Config

from strato_server import StratoProcess

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


@contextmanager
def strato_with_mocks(state_dir: str, mock_config: str):
    """A private Strato whose Step Functions answer unhosted services from `mock_config`."""
    server = StratoProcess(state_dir, env={"SFN_MOCK_CONFIG": mock_config}).start()
    try:
        yield server
    finally:
        server.stop()


def client(endpoint: str, service: str):
    # StartSyncExecution's model asks for a `sync-` host prefix, which a loopback IP lacks.
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, inject_host_prefix=False),
    )


def history(sfn, execution_arn: str) -> list[dict]:
    """Every event of the execution, oldest first."""
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    return [e for page in pages for e in page["events"]]


def entered(events: list[dict], state: str) -> list[dict]:
    """The events where the execution entered `state`."""
    return [
        e
        for e in events
        if e["type"].endswith("StateEntered") and e["stateEnteredEventDetails"]["name"] == state
    ]


def task_events(events: list[dict], kind: str, resource: str) -> list[dict]:
    """Task events of one kind (TaskScheduled, TaskFailed, ...) for one resource."""
    key = kind[0].lower() + kind[1:] + "EventDetails"
    return [e for e in events if e["type"] == kind and e[key]["resource"] == resource]


def wait_done(sfn, execution_arn: str, timeout: float = 15.0) -> dict:
    """DescribeExecution once the execution has finished; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        out = sfn.describe_execution(executionArn=execution_arn)
        if out["status"] in TERMINAL:
            return out
        if time.monotonic() > deadline:
            raise AssertionError(f"execution still {out['status']} after {timeout}s")
        time.sleep(0.05)


def waiting(events: list[dict]) -> bool:
    """The execution sits in a Wait state or before a retry: only the clock moves it on."""
    return bool(events) and events[-1]["type"] in ("WaitStateEntered", "TaskFailed")


def drive(
    server: StratoProcess, sfn, execution_arn: str, seconds: float, max_advances: int = 10
) -> dict:
    """Run the execution, advancing the server's clock by `seconds` whenever it waits on it.

    Stops after `max_advances` moves of the clock and returns DescribeExecution as it is then.
    """
    advances = 0
    deadline = time.monotonic() + 15.0
    while time.monotonic() < deadline:
        out = sfn.describe_execution(executionArn=execution_arn)
        if out["status"] != "RUNNING":
            return out
        events = history(sfn, execution_arn)
        if waiting(events):
            if advances == max_advances:
                return out
            server.advance_clock(seconds)
            advances += 1
            # Let the execution move on before looking again, so one wait gets one advance.
            while len(history(sfn, execution_arn)) == len(events):
                if time.monotonic() > deadline:
                    raise AssertionError(f"the execution did not move on after {seconds}s")
                time.sleep(0.02)
            continue
        time.sleep(0.05)
    return sfn.describe_execution(executionArn=execution_arn)


def output(described: dict) -> dict:
    return json.loads(described["output"])


def subscribed_queue(sqs, sns, topic_arn: str, queue_name: str) -> str:
    """A queue subscribed to the topic, with the policy that lets the topic send to it."""
    url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    return url
