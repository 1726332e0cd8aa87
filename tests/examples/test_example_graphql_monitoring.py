"""examples/graphql-monitoring: request ids in JSON logs, EMF metrics, in-code timeout, limits."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import time

import pytest
from botocore.exceptions import ClientError
from example_helpers import delete_functions, deploy, invoke, milliseconds, unique

PRODUCT = '{ product(id: "2") { name price reviews { rating } } }'
SLOW = '{ product(id: "3") { name price reviews { rating text } } }'  # reviews take 10 s
TIMEOUT_S = 3  # the function's Timeout, set by deploy.py


@pytest.fixture(scope="module")
def graphlet(endpoint, lambda_client):
    name = unique("graphlet")
    out = deploy("graphql-monitoring", endpoint, "--name", name, "--reserved-concurrency", "1")
    assert f"reserved concurrency of {name}: 1" in out
    yield name
    delete_functions(lambda_client, [name])


def _statistics(cw, namespace: str, metric: str, dims: dict[str, str], stat: str) -> float:
    now = dt.datetime.now(dt.UTC)
    points = cw.get_metric_statistics(
        Namespace=namespace,
        MetricName=metric,
        Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
        StartTime=now - dt.timedelta(minutes=15),
        EndTime=now + dt.timedelta(minutes=15),
        Period=60,
        Statistics=[stat],
    )["Datapoints"]
    values = [p[stat] for p in points]
    return (max(values) if stat == "Maximum" else sum(values)) if values else 0.0


def test_configuration_memory_and_reserved_concurrency(graphlet, lambda_client):
    config = lambda_client.get_function_configuration(FunctionName=graphlet)
    assert (config["MemorySize"], config["Timeout"]) == (1024, TIMEOUT_S)
    concurrency = lambda_client.get_function_concurrency(FunctionName=graphlet)
    assert concurrency["ReservedConcurrentExecutions"] == 1
    call = invoke(lambda_client, graphlet, {"query": PRODUCT})
    assert call.report["Memory Size"] == "1024 MB"


def test_request_ids_are_propagated_and_logged_as_json(graphlet, lambda_client, logs_client):
    calls = {
        cid: invoke(
            lambda_client, graphlet, {"query": PRODUCT, "headers": {"X-Correlation-Id": cid}}
        )
        for cid in (unique("corr"), unique("corr"))
    }
    group = f"/aws/lambda/{graphlet}"
    for cid, call in calls.items():
        assert call.body["data"]["product"] == {
            "name": "Director's chair",
            "price": 89.0,
            "reviews": [{"rating": 4}, {"rating": 3}],
        }
        assert call.body["extensions"] == {"requestId": call.request_id, "correlationId": cid}
        by_request = logs_client.filter_log_events(
            logGroupName=group, filterPattern=f'{{ $.requestId = "{call.request_id}" }}'
        )["events"]
        by_correlation = logs_client.filter_log_events(
            logGroupName=group, filterPattern=f'{{ $.correlationId = "{cid}" }}'
        )["events"]
        records = [json.loads(e["message"]) for e in by_request]
        assert [e["eventId"] for e in by_request] == [e["eventId"] for e in by_correlation]
        assert {(r["requestId"], r["correlationId"]) for r in records} == {(call.request_id, cid)}
        assert [r["message"] for r in records if "message" in r] == [
            "query received",
            "resolver finished",
            "resolver finished",
            "response sent",
        ]
        assert {r["resolver"] for r in records if r.get("message") == "resolver finished"} == {
            "Query.product",
            "Product.reviews",
        }
    # Without a correlation header the Lambda request id stands in for it.
    plain = invoke(lambda_client, graphlet, {"query": PRODUCT})
    assert plain.body["extensions"]["correlationId"] == plain.request_id


def test_resolver_latency_reaches_cloudwatch_through_emf(
    graphlet, lambda_client, cloudwatch_client
):
    for _ in range(2):
        invoke(lambda_client, graphlet, {"query": PRODUCT})
    dims = {"Service": graphlet, "Resolver": "Query.product"}
    assert _statistics(cloudwatch_client, "GraphQL", "ResolverLatency", dims, "SampleCount") >= 2
    assert _statistics(cloudwatch_client, "GraphQL", "ResolverLatency", dims, "Maximum") >= 10
    metrics = cloudwatch_client.list_metrics(
        Namespace="GraphQL", Dimensions=[{"Name": "Service", "Value": graphlet}]
    )["Metrics"]
    assert {"ResolverLatency", "ResolverTimeouts", "ResolverErrors", "RequestLatency"} <= {
        m["MetricName"] for m in metrics
    }
    # The ids are properties, not dimensions: no metric per request.
    assert all({d["Name"] for d in m["Dimensions"]} <= {"Service", "Resolver"} for m in metrics)


def test_in_code_timeout_answers_partially_and_reserved_concurrency_throttles(
    graphlet, lambda_client, cloudwatch_client
):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        slow = pool.submit(invoke, lambda_client, graphlet, {"query": SLOW})
        time.sleep(1.0)  # the slow call (2 s or more) now holds the only environment
        with pytest.raises(ClientError) as throttled:
            invoke(lambda_client, graphlet, {"query": PRODUCT})
        slow = slow.result()
    assert throttled.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert throttled.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429

    # The slow resolver was abandoned in code: a partial result, not a Lambda timeout.
    assert "FunctionError" not in slow.response
    assert slow.body["data"] == {
        "product": {"name": "Box set (all seasons)", "price": 129.99, "reviews": None}
    }
    assert slow.body["errors"] == [
        {
            "message": "Resolver Product.reviews did not finish before the in-code timeout.",
            "path": ["product", "reviews"],
            "extensions": {"code": "RESOLVER_TIMEOUT"},
        }
    ]
    assert "Task timed out" not in slow.log
    assert milliseconds(slow.report["Duration"]) < TIMEOUT_S * 1000
    timeouts = {"Service": graphlet, "Resolver": "Product.reviews"}
    assert _statistics(cloudwatch_client, "GraphQL", "ResolverTimeouts", timeouts, "Sum") >= 1
    assert (
        _statistics(cloudwatch_client, "GraphQL", "PartialResponses", {"Service": graphlet}, "Sum")
        >= 1
    )
    assert (
        _statistics(cloudwatch_client, "AWS/Lambda", "Throttles", {"FunctionName": graphlet}, "Sum")
        >= 1
    )
    # The environment that timed out in code stays warm and serves the next request.
    after = invoke(lambda_client, graphlet, {"query": PRODUCT})
    assert "errors" not in after.body and "Init Duration" not in after.report
