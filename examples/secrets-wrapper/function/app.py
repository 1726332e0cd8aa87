"""The post's test function: reports the variables the two wrapper layers exported."""

from __future__ import annotations

import os

SECRET_KEYS = (
    "EXAMPLE_CONNECTION_TOKEN",
    "EXAMPLE_CLUSTER_ID",
    "EXAMPLE_CONNECTION_URL",
    "EXAMPLE_TENANT",
    "AWS_LAMBDA_EXEC_WRAPPER",
)


def lambda_handler(event, context):
    print(f"Got event in main lambda [{event}]", flush=True)
    return {
        "statusCode": 200,
        "layer": {key: os.environ.get(key, "Not Set") for key in SECRET_KEYS},
        "secondLayer": {
            key: os.environ.get(key, "Not Set")
            for key in ("SECOND_LAYER_EXECUTE", "EXAMPLE_CONNECTION_STRING")
        },
        # Which execution environment answered: each has its own log stream.
        "environment": context.log_stream_name,
    }
