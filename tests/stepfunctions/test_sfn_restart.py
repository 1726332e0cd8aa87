"""Durability on a private server: SIGKILL mid-execution, restart, resume; the time scale."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from botocore.config import Config
from sfn_helpers import create_machine, history_types, unique, wait_for, wait_status

from strato_server import StratoProcess


def client(server: StratoProcess, service: str = "stepfunctions"):
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, inject_host_prefix=False),
    )


@pytest.fixture
def state_dir(tmp_path):
    return str(tmp_path / "state")


def test_sigkill_mid_execution_resumes(state_dir):
    server = StratoProcess(state_dir).start()
    try:
        sfn = client(server)
        machine = create_machine(
            sfn,
            {
                "StartAt": "Before",
                "States": {
                    "Before": {"Type": "Pass", "Result": {"step": 1}, "Next": "Sleep"},
                    "Sleep": {"Type": "Wait", "Seconds": 60, "Next": "After"},
                    "After": {"Type": "Pass", "Parameters": {"prev.$": "$.step"}, "End": True},
                },
            },
        )
        activity = sfn.create_activity(name=unique("act"))["activityArn"]
        worker_machine = create_machine(
            sfn,
            {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": activity, "End": True}}},
        )
        sqs = client(server, "sqs")
        queue = sqs.create_queue(QueueName="tokens")["QueueUrl"]
        callback_machine = create_machine(
            sfn,
            {
                "StartAt": "Ask",
                "States": {
                    "Ask": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                        "Parameters": {"QueueUrl": queue, "MessageBody.$": "$$.Task.Token"},
                        "End": True,
                    }
                },
            },
        )
        asking = sfn.start_execution(stateMachineArn=callback_machine)["executionArn"]
        run = sfn.start_execution(stateMachineArn=machine, name="survivor")["executionArn"]
        waiting = sfn.start_execution(stateMachineArn=worker_machine, input='{"n": 3}')[
            "executionArn"
        ]
        assert wait_for(lambda: "WaitStateEntered" in history_types(sfn, run))
        assert wait_for(lambda: "ActivityScheduled" in history_types(sfn, waiting))
        before = sfn.get_execution_history(executionArn=run)["events"]
        message = wait_for(lambda: sqs.receive_message(QueueUrl=queue).get("Messages"))[0]
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        token = message["Body"]
        server.kill()

        server.start()
        sfn = client(server)
        assert sfn.describe_execution(executionArn=run)["status"] == "RUNNING"
        assert sfn.get_execution_history(executionArn=run)["events"] == before
        time.sleep(0.3)
        assert sfn.describe_execution(executionArn=run)["status"] == "RUNNING"  # deadline kept
        server.advance_clock(60)
        out = wait_status(sfn, run)
        assert out["status"] == "SUCCEEDED"
        assert json.loads(out["output"]) == {"prev": 1}
        events = sfn.get_execution_history(executionArn=run)["events"]
        assert [e["type"] for e in events] == [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "WaitStateEntered",
            "WaitStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded",
        ]
        assert [e["id"] for e in events] == list(range(1, 9))
        assert [e["previousEventId"] for e in events] == list(range(0, 8))

        # The activity task queued before the kill is still there for a worker.
        task = sfn.get_activity_task(activityArn=activity)
        assert json.loads(task["input"]) == {"n": 3}
        sfn.send_task_success(taskToken=task["taskToken"], output='{"ok": 1}')
        assert wait_status(sfn, waiting)["status"] == "SUCCEEDED"

        # The callback task waits on across the restart; its token still answers it, and
        # the message was not sent a second time.
        assert sfn.describe_execution(executionArn=asking)["status"] == "RUNNING"
        sfn.send_task_success(taskToken=token, output='"answered"')
        out = wait_status(sfn, asking)
        assert (out["status"], json.loads(out["output"])) == ("SUCCEEDED", "answered")
        sqs = client(server, "sqs")
        assert "Messages" not in sqs.receive_message(QueueUrl=queue, VisibilityTimeout=0)
    finally:
        server.stop()


def test_time_scale_makes_waits_short(state_dir):
    server = StratoProcess(state_dir, env={"STRATO_SFN_TIME_SCALE": "0.01"}).start()
    try:
        sfn = client(server)
        machine = create_machine(
            sfn, {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}}
        )
        began = time.monotonic()
        run = sfn.start_execution(stateMachineArn=machine)["executionArn"]
        out = wait_status(sfn, run, timeout=15)
        assert out["status"] == "SUCCEEDED"
        elapsed = time.monotonic() - began
        assert 0.8 < elapsed < 10
    finally:
        server.stop()
