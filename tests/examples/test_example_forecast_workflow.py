"""examples/forecast-workflow: Forecast through SDK integrations, mocked by SFN_MOCK_CONFIG."""

from __future__ import annotations

import json

import pytest
from example_helpers import EXAMPLES, deploy
from workflow_helpers import (
    client,
    drive,
    entered,
    history,
    output,
    strato_with_mocks,
    task_events,
)

EXAMPLE = EXAMPLES / "forecast-workflow"
INPUT = json.dumps({"ProjectName": "household_energy_forecast"})
DESCRIBE = "forecast:describeDatasetImportJob"
CREATE_FORECAST = "forecast:createForecast"


@pytest.fixture(scope="module")
def forecast(tmp_path_factory):
    """A private server with the example's MockConfigFile.json, the workflow deployed on it."""
    state = tmp_path_factory.mktemp("forecast") / "state"
    with strato_with_mocks(str(state), str(EXAMPLE / "MockConfigFile.json")) as server:
        out = deploy("forecast-workflow", server.endpoint, "--bucket", "forecast-example")
        arn = next(
            line.split()[-1] for line in out.splitlines() if line.startswith("state machine ")
        )
        yield server, client(server.endpoint, "stepfunctions"), arn


def _start(sfn, arn: str, case: str) -> str:
    return sfn.start_execution(stateMachineArn=f"{arn}#{case}", input=INPUT)["executionArn"]


def _seconds_between(a: dict, b: dict) -> float:
    return (b["timestamp"] - a["timestamp"]).total_seconds()


def test_deploy_uploads_training_data_and_fills_in_the_definition(forecast):
    server, sfn, arn = forecast
    s3 = client(server.endpoint, "s3")
    body = s3.get_object(Bucket="forecast-example", Key="train/electricityusagedata.csv")["Body"]
    assert body.read().decode().startswith("2014-01-01 01:00:00,")
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"])
    s3_config = definition["States"]["Import-Data"]["Parameters"]["DataSource"]["S3Config"]
    assert s3_config["Path"] == "s3://forecast-example/train/electricityusagedata.csv"


def test_wait_loop_polls_the_import_job_every_60_seconds_while_it_is_in_progress(forecast):
    server, sfn, arn = forecast
    execution = _start(sfn, arn, "ImportStillRunning")
    out = drive(server, sfn, execution, seconds=60, max_advances=3)
    assert out["status"] == "RUNNING"  # the import never finishes in this test case
    events = history(sfn, execution)
    describes = task_events(events, "TaskScheduled", DESCRIBE)
    waits = entered(events, "Wait-Data-Import")
    waited = [e for e in events if e["type"] == "WaitStateExited"]
    # Three Wait loops, each followed by another Describe call on the job the workflow
    # created; after the fourth poll the execution waits again, for the clock.
    assert (len(describes), len(waited), len(waits)) == (4, 3, 4)
    assert events[-1]["type"] == "WaitStateEntered"
    params = json.loads(describes[-1]["taskScheduledEventDetails"]["parameters"])
    assert params["DatasetImportJobArn"].endswith("/household_energy_forecast_import")
    for earlier, later in zip(describes, describes[1:], strict=False):
        assert _seconds_between(earlier, later) >= 60
    assert entered(events, "Create-Predictor") == []
    sfn.stop_execution(executionArn=execution)
    assert sfn.describe_execution(executionArn=execution)["status"] == "ABORTED"


def test_create_forecast_retries_every_180_seconds_while_the_predictor_is_in_use(forecast):
    server, sfn, arn = forecast
    execution = _start(sfn, arn, "PredictorStillTraining")
    out = drive(server, sfn, execution, seconds=180)
    assert out["status"] == "SUCCEEDED", out
    events = history(sfn, execution)
    calls = task_events(events, "TaskScheduled", CREATE_FORECAST)
    failures = task_events(events, "TaskFailed", CREATE_FORECAST)
    assert len(calls) == 3
    assert [f["taskFailedEventDetails"]["error"] for f in failures] == [
        "Forecast.ResourceInUseException"
    ] * 2
    for earlier, later in zip(calls, calls[1:], strict=False):
        assert _seconds_between(earlier, later) >= 180  # IntervalSeconds 180, BackoffRate 1
    # States.Format built the names from the input's ProjectName.
    params = json.loads(calls[0]["taskScheduledEventDetails"]["parameters"])
    assert params == {
        "ForecastName": "household_energy_forecast_forecast",
        "PredictorArn": (
            "arn:aws:forecast:us-east-1:000000000000:predictor/household_energy_forecast_predictor"
        ),
    }
    result = output(out)
    assert result["createForecastResult"]["ForecastArn"].endswith(
        "/household_energy_forecast_forecast"
    )
    assert "ForecastExportJobArn" in result["createForecastExportJobResult"]


def test_happy_path_import_becomes_active_on_the_third_poll(forecast):
    server, sfn, arn = forecast
    execution = _start(sfn, arn, "HappyPath")
    out = drive(server, sfn, execution, seconds=180, max_advances=6)
    if out["status"] == "RUNNING":
        sfn.stop_execution(executionArn=execution)
    assert out["status"] == "SUCCEEDED"
    events = history(sfn, execution)
    assert len(entered(events, "Wait-Data-Import")) == 2
    assert len(task_events(events, "TaskScheduled", DESCRIBE)) == 3
    assert len(task_events(events, "TaskFailed", CREATE_FORECAST)) == 1
