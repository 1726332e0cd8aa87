"""examples/batch-job-fan-out: Map over batch jobs (submitJob.sync mocked), SNS on the outcome."""

from __future__ import annotations

import json

import pytest
from example_helpers import EXAMPLES, deploy, wait_for
from workflow_helpers import (
    client,
    entered,
    history,
    output,
    strato_with_mocks,
    subscribed_queue,
    wait_done,
)

EXAMPLE = EXAMPLES / "batch-job-fan-out"
SUBMIT = "submitJob.sync"  # history names the resource without its service


@pytest.fixture(scope="module")
def fan_out(tmp_path_factory):
    """A private server with the example's MockConfigFile.json; the example deployed on it,
    and an SQS queue subscribed to its notification topic."""
    state = tmp_path_factory.mktemp("batch") / "state"
    with strato_with_mocks(str(state), str(EXAMPLE / "MockConfigFile.json")) as server:
        out = deploy("batch-job-fan-out", server.endpoint)
        arn = next(
            line.split()[-1] for line in out.splitlines() if line.startswith("state machine ")
        )
        sqs, sns = client(server.endpoint, "sqs"), client(server.endpoint, "sns")
        topic_arn = sns.create_topic(Name="BatchJobFanOut-notifications")["TopicArn"]
        inbox = subscribed_queue(sqs, sns, topic_arn, "batch-notifications-inbox")
        yield {
            "sfn": client(server.endpoint, "stepfunctions"),
            "sqs": sqs,
            "arn": arn,
            "inbox": inbox,
        }


def _run(fan_out: dict, case: str, jobs: int) -> tuple[str, dict]:
    sfn = fan_out["sfn"]
    execution = sfn.start_execution(
        stateMachineArn=f"{fan_out['arn']}#{case}", input=json.dumps({"jobs": jobs})
    )["executionArn"]
    return execution, wait_done(sfn, execution)


def _notifications(fan_out: dict) -> list[dict]:
    sqs, inbox = fan_out["sqs"], fan_out["inbox"]
    messages = sqs.receive_message(QueueUrl=inbox, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    found = []
    for m in messages.get("Messages", []):
        sqs.delete_message(QueueUrl=inbox, ReceiptHandle=m["ReceiptHandle"])
        found.append(json.loads(m["Body"]))
    return found


def _task_count(events: list[dict], kind: str) -> int:
    key = kind[0].lower() + kind[1:] + "EventDetails"
    return sum(1 for e in events if e["type"] == kind and e[key]["resource"] == SUBMIT)


def test_every_job_succeeds_and_the_success_is_notified(fan_out):
    execution, out = _run(fan_out, "AllJobsSucceed", jobs=3)
    assert out["status"] == "SUCCEEDED", out
    result = output(out)
    assert result["batch_map"] == [0, 1, 2]
    assert [j["BatchNumber"] for j in result["jobs"]] == [0, 1, 2]
    assert {j["job"]["Status"] for j in result["jobs"]} == {"SUCCEEDED"}
    events = history(fan_out["sfn"], execution)
    assert _task_count(events, "TaskSucceeded") == 3
    names = sorted(
        json.loads(e["taskScheduledEventDetails"]["parameters"])["JobName"]
        for e in events
        if e["type"] == "TaskScheduled" and e["taskScheduledEventDetails"]["resource"] == SUBMIT
    )
    assert names == ["BatchJobFanOut-0", "BatchJobFanOut-1", "BatchJobFanOut-2"]
    notes = wait_for(lambda: _notifications(fan_out), "the success notification")
    assert [(n["Subject"], n["Message"]) for n in notes] == [
        ("Batch jobs succeeded", "All 3 batch jobs succeeded")
    ]


def test_a_failed_job_is_notified_with_its_details_and_fails_the_execution(fan_out):
    execution, out = _run(fan_out, "JobFails", jobs=1)
    assert out["status"] == "FAILED", out
    assert out["error"] == "BatchJobFailed"
    events = history(fan_out["sfn"], execution)
    assert len(entered(events, "Notify Failure")) == 1
    assert entered(events, "Notify Success") == []
    notes = wait_for(lambda: _notifications(fan_out), "the failure notification")
    assert len(notes) == 1 and notes[0]["Subject"] == "Batch job failed"
    details = json.loads(notes[0]["Message"])
    assert (details["BatchNumber"], details["Error"]) == (0, "States.TaskFailed")
    cause = json.loads(details["Cause"])
    assert (cause["Status"], cause["StatusReason"]) == (
        "FAILED",
        "Essential container in task exited",
    )


def test_one_failed_job_among_several_fails_the_fan_out(fan_out):
    execution, out = _run(fan_out, "SecondJobFails", jobs=3)
    assert out["status"] == "FAILED", out
    events = history(fan_out["sfn"], execution)
    assert _task_count(events, "TaskFailed") == 1
    assert _task_count(events, "TaskSucceeded") >= 1
    notes = wait_for(lambda: _notifications(fan_out), "the failure notification")
    assert [n["Subject"] for n in notes] == ["Batch job failed"]
