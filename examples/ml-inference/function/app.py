"""Multi-model inference: every model loads once per execution environment, at init.

One model comes from S3 (MODEL_BUCKET / MODEL_KEY), one ships in the deployment package
(models/sentiment.json). Each request names the model it wants; warm invocations reuse
what init loaded, so only the first request of an environment pays for loading.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
import uuid

import boto3

TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", os.path.dirname(os.path.abspath(__file__)))
PACKAGED_MODEL = os.path.join(TASK_ROOT, "models", "sentiment.json")


class UnknownModel(Exception):
    """The request names a model this function does not have."""


def load_from_s3(bucket: str, key: str) -> dict:
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return json.loads(body)


def load_from_package(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


# -- init: module load, outside the handler; runs once per execution environment --------
_init_started = time.monotonic()
MODELS: dict[str, dict] = {}
for _source, _model in (
    (
        f"s3://{os.environ['MODEL_BUCKET']}/{os.environ['MODEL_KEY']}",
        load_from_s3(os.environ["MODEL_BUCKET"], os.environ["MODEL_KEY"]),
    ),
    ("package:models/sentiment.json", load_from_package(PACKAGED_MODEL)),
):
    MODELS[_model["name"]] = {**_model, "source": _source}
    print(f"init: loaded model {_model['name']} version {_model['version']} from {_source}")
INIT = {
    "environment": uuid.uuid4().hex,  # which execution environment answered
    "loaded_at": time.time(),
    "load_ms": round((time.monotonic() - _init_started) * 1000, 2),
    "models": sorted(MODELS),
}
invocations = 0


def predict_linear(model: dict, event: dict) -> dict:
    features = event.get("features") or {}
    missing = [f for f in model["features"] if f not in features]
    if missing:
        raise ValueError(f"model {model['name']} needs features {missing}")
    value = model["bias"] + sum(
        w * float(features[f]) for f, w in zip(model["features"], model["weights"], strict=True)
    )
    return {model["target"]: round(value, 2)}


def predict_bag_of_words(model: dict, event: dict) -> dict:
    words = re.findall(r"[a-z']+", str(event.get("text", "")).lower())
    score = model["bias"] + sum(model["weights"].get(w, 0.0) for w in words)
    probability = 1 / (1 + math.exp(-score))
    return {
        "label": model["labels"][1] if probability >= 0.5 else model["labels"][0],
        "probability": round(probability, 4),
    }


PREDICTORS = {"linear-regression": predict_linear, "bag-of-words": predict_bag_of_words}


def handler(event: dict, context) -> dict:
    global invocations
    invocations += 1
    name = event.get("model")
    model = MODELS.get(name)
    if model is None:
        raise UnknownModel(f"no model named {name!r}; this function has {sorted(MODELS)}")
    return {
        "model": name,
        "version": model["version"],
        "source": model["source"],
        "prediction": PREDICTORS[model["kind"]](model, event),
        "init": INIT,
        "invocations": invocations,  # requests this environment has served
    }
