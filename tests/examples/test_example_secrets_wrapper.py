"""examples/secrets-wrapper: an exec wrapper layer turns a secret into environment variables."""

from __future__ import annotations

import json

from example_helpers import invoke, unique

ROTATED = {
    "EXAMPLE_CONNECTION_TOKEN": "ROTATED TOKEN",
    "EXAMPLE_CLUSTER_ID": "EXAMPLE CLUSTER ID",
    "EXAMPLE_CONNECTION_URL": "EXAMPLE CONNECTION URL",
    "EXAMPLE_TENANT": "OTHER TENANT",
    "AWS_LAMBDA_EXEC_WRAPPER": "/opt/second-wrapper",
}


def _wait_updated(lam, name: str) -> None:
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)


def test_secret_becomes_variables_and_new_values_reach_new_environments(
    deploy_example, client_factory, lambda_client, logs_client
):
    name = unique("get-secrets")
    sm = client_factory("secretsmanager")
    out = deploy_example("secrets-wrapper", name)
    secret_arn = sm.describe_secret(SecretId=f"{name}-secret")["ARN"]
    assert f"created secret {secret_arn}" in out
    config = lambda_client.get_function_configuration(FunctionName=name)
    assert config["Environment"]["Variables"]["SECRET_ID"] == secret_arn

    first = invoke(lambda_client, name)
    assert first.body["statusCode"] == 200
    assert first.body["layer"] == {
        "EXAMPLE_CONNECTION_TOKEN": "EXAMPLE AUTH TOKEN",
        "EXAMPLE_CLUSTER_ID": "EXAMPLE CLUSTER ID",
        "EXAMPLE_CONNECTION_URL": "EXAMPLE CONNECTION URL",
        "EXAMPLE_TENANT": "EXAMPLE TENANT",
        "AWS_LAMBDA_EXEC_WRAPPER": "/opt/second-wrapper",  # the secret chained the wrappers
    }
    assert first.body["secondLayer"] == {
        "SECOND_LAYER_EXECUTE": "true",
        # computed by the second wrapper from the variables the first one exported
        "EXAMPLE_CONNECTION_STRING": "EXAMPLE CONNECTION URL?cluster=EXAMPLE CLUSTER ID&tenant=EXAMPLE TENANT",
    }

    # The secret changes; a warm environment keeps what its init fetched.
    sm.put_secret_value(SecretId=secret_arn, SecretString=json.dumps(ROTATED))
    warm = invoke(lambda_client, name)
    assert warm.body["environment"] == first.body["environment"]
    assert warm.body["layer"]["EXAMPLE_CONNECTION_TOKEN"] == "EXAMPLE AUTH TOKEN"

    # A configuration change (here: a new variable) retires the environments; the next
    # init fetches the new values.
    variables = {**config["Environment"]["Variables"], "ROTATION": "1"}
    lambda_client.update_function_configuration(
        FunctionName=name, Environment={"Variables": variables}
    )
    _wait_updated(lambda_client, name)
    fresh = invoke(lambda_client, name)
    assert fresh.body["environment"] != first.body["environment"]
    assert fresh.body["layer"]["EXAMPLE_CONNECTION_TOKEN"] == "ROTATED TOKEN"
    assert fresh.body["secondLayer"]["EXAMPLE_CONNECTION_STRING"].endswith("tenant=OTHER TENANT")

    # Both wrappers ran once per environment (at init, not per request) and logged no values.
    messages = [
        e["message"]
        for e in logs_client.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    ]
    assert sum(m.startswith("secrets-wrapper: exported 5 variables") for m in messages) == 2
    assert sum(m.startswith("second-wrapper: starting the runtime") for m in messages) == 2
    assert not [m for m in messages if "AUTH TOKEN" in m or "ROTATED TOKEN" in m]

    # Rerunning the deploy keeps the rotated secret.
    again = deploy_example("secrets-wrapper", name)
    assert "already exists (left as it is)" in again


def test_wrapper_that_cannot_fetch_its_secret_fails_init(deploy_example, lambda_client):
    name = unique("get-secrets")
    deploy_example("secrets-wrapper", name)
    config = lambda_client.get_function_configuration(FunctionName=name)
    variables = {**config["Environment"]["Variables"], "SECRET_ID": f"{name}-no-such-secret"}
    lambda_client.update_function_configuration(
        FunctionName=name, Environment={"Variables": variables}
    )
    _wait_updated(lambda_client, name)
    failed = invoke(lambda_client, name)
    assert failed.response["FunctionError"] == "Unhandled"
    assert failed.body["errorType"] == "Runtime.ExitError"
    assert "secrets-wrapper: failed to set up the environment from secret" in failed.log
