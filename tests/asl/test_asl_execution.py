"""Driving executions: Task integrations, Retry/Catch, waits on the injected clock,
callbacks, timeouts, Map/Parallel failures, and JSON snapshots between steps."""

from __future__ import annotations

import json

import pytest

from strato.asl import PENDING, Execution, MockIntegrations, TaskFailure, run_to_completion

FN = "arn:aws:states:::lambda:invoke"
LEGACY_FN = "arn:aws:lambda:us-east-1:000000000000:function:work"


class Clock:
    def __init__(self, now: float = 1_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance_to(self, t: float) -> None:
        self.now = max(self.now, t)


def task(**extra):
    return {"Type": "Task", "Resource": FN, **extra}


def machine(**states):
    return {"StartAt": next(iter(states)), "States": states}


def types(ex: Execution) -> list[str]:
    return [e["type"] for e in ex.events]


def test_task_result_goes_through_result_selector_result_path_and_output_path():
    mock = MockIntegrations({FN: {"Payload": {"sum": 3}, "StatusCode": 200}})
    ex = Execution(
        machine(
            T=task(
                Parameters={"a.$": "$.x", "const": 1},
                ResultSelector={"total.$": "$.Payload.sum"},
                ResultPath="$.out",
                OutputPath="$.out",
                End=True,
            )
        ),
        {"x": 7},
        integrations=mock,
    )
    ex.run()
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"total": 3}
    assert mock.calls[0].parameters == {"a": 7, "const": 1}
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    ids = [e["id"] for e in ex.events]
    assert ids == list(range(1, 8))
    assert [e["previousEventId"] for e in ex.events] == list(range(0, 7))


def test_a_lambda_function_arn_gets_lambda_function_events():
    mock = MockIntegrations({LEGACY_FN: [TaskFailure("Lambda.Oops", "x"), {"ok": True}]})
    retrier = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 0}
    ex = Execution(
        machine(T={"Type": "Task", "Resource": LEGACY_FN, "Retry": [retrier], "End": True}),
        {"in": 1},
        integrations=mock,
    )
    ex.run()
    assert ex.output == {"ok": True}
    assert types(ex) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled = ex.events[2]["lambdaFunctionScheduledEventDetails"]
    assert scheduled["resource"] == LEGACY_FN and scheduled["input"] == '{"in":1}'
    assert ex.events[4]["lambdaFunctionFailedEventDetails"] == {
        "error": "Lambda.Oops",
        "cause": "x",
    }


def test_retry_backs_off_on_the_injected_clock_without_sleeping():
    clock = Clock()
    mock = MockIntegrations({FN: [TaskFailure("Busy", "try later")] * 3 + ["done"]})
    retrier = {"ErrorEquals": ["Busy"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 3}
    ex = Execution(machine(T=task(Retry=[retrier], End=True)), {}, integrations=mock, clock=clock)
    waits = []
    while True:
        result = ex.run()
        if result.status != "sleeping":
            break
        waits.append(result.wake_at - clock.now)
        clock.advance_to(result.wake_at)
    assert waits == [2, 6, 18]
    assert ex.status == "SUCCEEDED" and ex.output == "done"
    assert types(ex).count("TaskFailed") == 3


def test_max_delay_caps_the_backoff():
    clock = Clock()
    mock = MockIntegrations({FN: [TaskFailure("Busy", None)] * 3 + ["ok"]})
    retrier = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxDelaySeconds": 15}
    ex = Execution(machine(T=task(Retry=[retrier], End=True)), {}, integrations=mock, clock=clock)
    first = ex.run()
    assert first.wake_at - clock.now == 10
    clock.advance_to(first.wake_at)
    second = ex.run()
    assert second.wake_at - clock.now == 15


def test_full_jitter_stays_below_the_backoff():
    clock = Clock()
    mock = MockIntegrations({FN: [TaskFailure("Busy", None), "ok"]})
    retrier = {"ErrorEquals": ["Busy"], "IntervalSeconds": 4, "JitterStrategy": "FULL"}
    ex = Execution(machine(T=task(Retry=[retrier], End=True)), {}, integrations=mock, clock=clock)
    result = ex.run()
    assert 0 <= result.wake_at - clock.now <= 4


def test_retries_run_out_and_catch_takes_over():
    clock = Clock()
    mock = MockIntegrations({FN: TaskFailure("Boom", "it broke")})
    ex = Execution(
        machine(
            T=task(
                Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                Catch=[
                    {"ErrorEquals": ["Other"], "Next": "Wrong"},
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handled"},
                ],
                Next="Wrong",
            ),
            Wrong={"Type": "Fail", "Error": "Wrong"},
            Handled={"Type": "Pass", "End": True},
        ),
        {"keep": 1},
        integrations=mock,
        clock=clock,
    )
    first = ex.run()
    assert first.status == "sleeping" and first.wake_at == clock.now + 1
    clock.advance_to(first.wake_at)
    ex.run()
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"keep": 1, "err": {"Error": "Boom", "Cause": "it broke"}}
    assert len(mock.calls) == 2


def test_states_all_does_not_catch_runtime_errors():
    ex = Execution(
        machine(
            T=task(
                Parameters={"v.$": "$.missing"},
                Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handled"}],
                End=True,
            ),
            Handled={"Type": "Pass", "End": True},
        ),
        {},
        integrations=MockIntegrations({FN: 1}),
    )
    ex.run()
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert "'$.missing' specified for the field 'v.$' could not be found" in ex.cause


def test_task_failed_matches_errors_raised_by_the_task():
    mock = MockIntegrations({FN: TaskFailure("Lambda.Unknown", "x")})
    ex = Execution(
        machine(
            T=task(Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "H"}], End=True),
            H={"Type": "Succeed"},
        ),
        {},
        integrations=mock,
    )
    ex.run()
    assert ex.status == "SUCCEEDED"


def test_wait_parks_until_the_clock_reaches_the_deadline():
    clock = Clock(1_000)
    ex = Execution(
        machine(W={"Type": "Wait", "Seconds": 30, "Next": "Done"}, Done={"Type": "Succeed"}),
        {"a": 1},
        clock=clock,
    )
    result = ex.run()
    assert result.status == "sleeping" and result.wake_at == 1_030
    clock.now = 1_029
    assert ex.run().status == "sleeping"
    clock.now = 1_030
    ex.run()
    assert ex.status == "SUCCEEDED" and ex.output == {"a": 1}


def test_wait_timestamp_in_the_past_does_not_wait():
    ex = Execution(
        machine(W={"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "End": True}), {}
    )
    assert ex.run().status == "done"


def test_a_snapshot_is_json_and_resumes_where_it_stopped():
    clock = Clock()
    definition = machine(
        A={"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "W"},
        W={"Type": "Wait", "Seconds": 5, "Next": "M"},
        M={
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
            "ResultPath": "$.items",
            "End": True,
        },
    )
    ex = Execution(definition, {"items": [1, 2]}, clock=clock)
    result = ex.run()
    assert result.status == "sleeping"
    saved = json.dumps(ex.snapshot())
    clock.advance_to(result.wake_at)
    resumed = Execution.restore(definition, json.loads(saved), clock=clock)
    resumed.run()
    assert resumed.status == "SUCCEEDED"
    assert resumed.output == {"items": [1, 2], "a": 1}


def test_every_single_step_leaves_a_json_snapshot():
    definition = machine(
        P={
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "X", "States": {"X": {"Type": "Pass", "Result": "x", "End": True}}},
                {"StartAt": "Y", "States": {"Y": {"Type": "Pass", "Result": "y", "End": True}}},
            ],
            "End": True,
        }
    )
    ex = Execution(definition, {})
    steps = 0
    while ex.step().status == "progressed":
        ex = Execution.restore(definition, json.loads(json.dumps(ex.snapshot())))
        steps += 1
    assert steps > 3
    assert ex.status == "SUCCEEDED" and ex.output == ["x", "y"]


def test_wait_for_task_token_callback():
    mock = MockIntegrations({"arn:aws:states:::sqs:sendMessage.waitForTaskToken": PENDING})
    ex = Execution(
        machine(
            T={
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"token.$": "$$.Task.Token"},
                "End": True,
            }
        ),
        {},
        integrations=mock,
    )
    assert ex.run().status == "blocked"
    token = mock.calls[0].task_token
    assert mock.calls[0].parameters == {"token": token}
    ex.send_task_success(token, {"answer": 42})
    ex.run()
    assert ex.status == "SUCCEEDED" and ex.output == {"answer": 42}
    with pytest.raises(KeyError):
        ex.send_task_success(token, {})


def test_callback_failure_and_heartbeat_timeout():
    clock = Clock()
    resource = "arn:aws:states:::lambda:invoke.waitForTaskToken"
    mock = MockIntegrations({resource: PENDING})
    definition = machine(
        T={"Type": "Task", "Resource": resource, "HeartbeatSeconds": 10, "End": True}
    )
    ex = Execution(definition, {}, integrations=mock, clock=clock)
    result = ex.run()
    assert result.status == "sleeping" and result.wake_at == clock.now + 10
    clock.now += 8
    ex.send_task_heartbeat(mock.calls[0].task_token)
    assert ex.run().wake_at == clock.now + 10
    clock.now += 10
    ex.run()
    assert ex.status == "FAILED" and ex.error == "States.HeartbeatTimeout"
    assert "TaskTimedOut" in types(ex)

    ex = Execution(definition, {}, integrations=mock, clock=clock)
    ex.run()
    ex.send_task_failure(mock.calls[-1].task_token, "Nope", "because")
    ex.run()
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Nope", "because")


def test_task_timeout():
    clock = Clock()
    mock = MockIntegrations({FN: PENDING})
    ex = Execution(machine(T=task(TimeoutSeconds=5, End=True)), {}, integrations=mock, clock=clock)
    run_to_completion(ex, clock.advance_to)
    assert ex.status == "FAILED" and ex.error == "States.Timeout"


def test_execution_timeout():
    clock = Clock()
    definition = {
        "StartAt": "W",
        "TimeoutSeconds": 3,
        "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}},
    }
    ex = Execution(definition, {}, clock=clock)
    run_to_completion(ex, clock.advance_to)
    assert ex.status == "TIMED_OUT"
    assert types(ex)[-1] == "ExecutionTimedOut"


def test_stop_aborts():
    ex = Execution(machine(W={"Type": "Wait", "Seconds": 60, "End": True}), {})
    ex.run()
    ex.stop("Why", "Because")
    assert ex.status == "ABORTED" and types(ex)[-1] == "ExecutionAborted"
    assert ex.step().status == "done"


def test_choice_without_a_match_or_default_fails():
    ex = Execution(
        machine(
            C={"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "E"}]},
            E={"Type": "Succeed"},
        ),
        {"x": 2},
    )
    ex.run()
    assert ex.status == "FAILED" and ex.error == "States.NoChoiceMatched"


def test_parallel_branch_failure_is_caught_with_its_own_error():
    ex = Execution(
        machine(
            P={
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "F",
                        "States": {"F": {"Type": "Fail", "Error": "E1", "Cause": "c"}},
                    },
                    {
                        "StartAt": "W",
                        "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}},
                    },
                ],
                "Catch": [{"ErrorEquals": ["E1"], "Next": "Caught"}],
                "End": True,
            },
            Caught={"Type": "Pass", "End": True},
        ),
        {},
    )
    ex.run()
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"Error": "E1", "Cause": "c"}
    assert "ParallelStateFailed" in types(ex)


@pytest.mark.parametrize(
    "tolerance, status, error",
    [
        ({}, "FAILED", "Bad"),
        ({"ToleratedFailureCount": 1}, "FAILED", "States.ExceedToleratedFailureThreshold"),
        ({"ToleratedFailureCount": 2}, "SUCCEEDED", None),
        ({"ToleratedFailurePercentage": 50}, "SUCCEEDED", None),
        ({"ToleratedFailurePercentage": 49}, "FAILED", "States.ExceedToleratedFailureThreshold"),
    ],
)
def test_map_tolerated_failures(tolerance, status, error):
    ex = Execution(
        machine(
            M={
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "C",
                    "States": {
                        "C": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$", "NumericGreaterThan": 2, "Next": "F"}],
                            "Default": "OK",
                        },
                        "F": {"Type": "Fail", "Error": "Bad"},
                        "OK": {"Type": "Pass", "End": True},
                    },
                },
                "End": True,
                **tolerance,
            }
        ),
        [1, 2, 3, 4],
    )
    ex.run()
    assert ex.status == status
    assert ex.error == error


def test_map_max_concurrency_runs_items_in_turn():
    ex = Execution(
        machine(
            M={
                "Type": "Map",
                "MaxConcurrency": 2,
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        ),
        [1, 2, 3],
    )
    ex.run()
    started = [i for i, t in enumerate(types(ex)) if t == "MapIterationStarted"]
    succeeded = [i for i, t in enumerate(types(ex)) if t == "MapIterationSucceeded"]
    assert len(started) == 3
    assert started[2] > succeeded[0], "the third item waits for a free slot"
    assert ex.output == [1, 2, 3]


def test_oversized_output_is_a_data_limit_error():
    ex = Execution(machine(P={"Type": "Pass", "Result": "x" * 300_000, "End": True}), {})
    ex.run()
    assert ex.status == "FAILED" and ex.error == "States.DataLimitExceeded"


def test_jsonata_task_arguments_output_and_assign():
    mock = MockIntegrations({FN: {"n": 2}})
    ex = Execution(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": FN,
                    "Arguments": {"x": "{% $states.input.v * 10 %}"},
                    "Assign": {"seen": "{% $states.result.n %}"},
                    "Output": "{% $states.result.n + 1 %}",
                    "Next": "U",
                },
                "U": {"Type": "Pass", "Output": "{% [$states.input, $seen] %}", "End": True},
            },
        },
        {"v": 4},
        integrations=mock,
    )
    ex.run()
    assert mock.calls[0].parameters == {"x": 40}
    assert ex.status == "SUCCEEDED" and ex.output == [3, 2]


def test_map_item_reader_asks_the_integration_and_item_batcher_groups():
    reader = "arn:aws:states:::s3:getObject"
    mock = MockIntegrations({reader: [[{"n": i} for i in range(5)]]})  # one call, one list
    ex = Execution(
        machine(
            M={
                "Type": "Map",
                "ItemReader": {
                    "Resource": reader,
                    "ReaderConfig": {"InputType": "JSON", "MaxItems": 4},
                    "Parameters": {"Bucket.$": "$.bucket", "Key": "items.json"},
                },
                "ItemBatcher": {"MaxItemsPerBatch": 3, "BatchInput": {"tag.$": "$.bucket"}},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Count",
                    "States": {
                        "Count": {
                            "Type": "Pass",
                            "Parameters": {
                                "size.$": "States.ArrayLength($.Items)",
                                "tag.$": "$.BatchInput.tag",
                            },
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        ),
        {"bucket": "b1"},
        integrations=mock,
    )
    ex.run()
    assert ex.status == "SUCCEEDED", ex.cause
    assert ex.output == [{"size": 3, "tag": "b1"}, {"size": 1, "tag": "b1"}]
    assert mock.calls[0].parameters == {
        "Bucket": "b1",
        "Key": "items.json",
        "ReaderConfig": {"InputType": "JSON", "MaxItems": 4},
    }
    assert "MapRunStarted" in types(ex) and "PassStateEntered" not in types(ex)


@pytest.mark.parametrize(
    "error_equals, error, expected",
    [
        (["States.ALL"], "Anything", True),
        (["States.ALL"], "States.Runtime", False),
        (["States.ALL"], "States.DataLimitExceeded", False),
        (["States.TaskFailed"], "Lambda.ServiceException", True),
        (["States.TaskFailed"], "States.Timeout", False),
        (["States.TaskFailed"], "States.HeartbeatTimeout", True),
        (["States.Timeout"], "States.Timeout", True),
        (["Custom"], "custom", False),
        (["State.ALL"], "Custom", False),
        (["States.ALL"], None, False),
    ],
)
def test_error_matching(error_equals, error, expected):
    from strato.asl import retry

    assert retry.matches(error_equals, error) is expected
