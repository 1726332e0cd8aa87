"""examples/ml-inference: models load at init (from S3 and from the package); warm calls reuse them."""

from __future__ import annotations

import json

import pytest
from example_helpers import invoke, unique

HOUSE = {"model": "house-price", "features": {"sqm": 100, "rooms": 3}}


def test_models_load_once_at_init_and_warm_invocations_reuse_them(
    deploy_example, client_factory, lambda_client, logs_client
):
    name = unique("ml-inference")
    out = deploy_example("ml-inference", name)
    assert f"created function {name}" in out
    model = json.loads(
        client_factory("s3")
        .get_object(Bucket=f"{name}-models", Key="models/house-price.json")["Body"]
        .read()
    )

    cold = invoke(lambda_client, name, HOUSE)
    warm = invoke(lambda_client, name, {"model": "sentiment", "text": "Great value, fast delivery"})
    warmer = invoke(lambda_client, name, {"model": "sentiment", "text": "arrived broken, poor"})

    # Each request picked its model: the regression from S3, the classifier from the package.
    bias, (w_sqm, w_rooms) = model["bias"], model["weights"]
    assert cold.body["source"] == f"s3://{name}-models/models/house-price.json"
    assert cold.body["prediction"]["price"] == pytest.approx(bias + 100 * w_sqm + 3 * w_rooms)
    assert cold.body["prediction"]["price"] == pytest.approx(371_000, rel=0.01)  # the fit
    assert warm.body["source"] == "package:models/sentiment.json"
    assert warm.body["prediction"]["label"] == "positive"
    assert warmer.body["prediction"]["label"] == "negative"

    # One init served all three: same environment, same load time, a running count.
    assert cold.body["init"] == warm.body["init"] == warmer.body["init"]
    assert cold.body["init"]["models"] == ["house-price", "sentiment"]
    assert [c.body["invocations"] for c in (cold, warm, warmer)] == [1, 2, 3]
    assert "Init Duration" in cold.report
    assert "Init Duration" not in warm.report and "Init Duration" not in warmer.report
    loads = logs_client.filter_log_events(
        logGroupName=f"/aws/lambda/{name}", filterPattern='"init: loaded model"'
    )["events"]
    assert len(loads) == 2  # two models, loaded once each


def test_unknown_model_is_a_function_error_and_redeploying_is_safe(deploy_example, lambda_client):
    name = unique("ml-inference")
    deploy_example("ml-inference", name)
    again = deploy_example("ml-inference", name)
    assert f"bucket {name}-models already exists" in again
    assert f"updated function {name}" in again

    bad = invoke(lambda_client, name, {"model": "gpt-17"})
    assert bad.response["FunctionError"] == "Unhandled"
    assert bad.body["errorType"] == "UnknownModel"
    assert "house-price" in bad.body["errorMessage"]
    good = invoke(lambda_client, name, HOUSE)  # the environment survives a handler error
    assert good.body["invocations"] == 2 and "Init Duration" not in good.report
