#!/usr/bin/env python3
"""Deploy the ML inference example: one model in S3, one in the package, one function.

    strato up
    export AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \
           AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
    python examples/ml-inference/deploy.py

Plain boto3: without AWS_ENDPOINT_URL it deploys to AWS (pass a globally unique --bucket).
Rerunning it updates what is there. The models are trained here, in a few lines of pure
Python, so the example needs no ML library and downloads nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import sys
import zipfile
from collections import Counter

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from lambda_deploy import deploy_function, ensure_bucket, execution_role  # noqa: E402

MODEL_KEY = "models/house-price.json"


# -- the models ------------------------------------------------------------------------------
def least_squares(xs: list[list[float]], ys: list[float]) -> list[float]:
    """[bias, *weights] of ordinary least squares, by the normal equations (Gauss-Jordan)."""
    rows = [[1.0, *x] for x in xs]
    n = len(rows[0])
    a = [
        [sum(r[i] * r[j] for r in rows) for j in range(n)]
        + [sum(r[i] * y for r, y in zip(rows, ys, strict=True))]
        for i in range(n)
    ]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col:
                f = a[r][col] / a[col][col]
                a[r] = [v - f * p for v, p in zip(a[r], a[col], strict=True)]
    return [a[i][n] / a[i][i] for i in range(n)]


def _versioned(model: dict) -> dict:
    digest = hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()
    return {**model, "version": digest[:12]}


def house_price_model() -> dict:
    """A linear regression of price on floor area and rooms, fitted to synthetic sales."""
    sales = [(40 + 7 * i, 1 + i % 5) for i in range(24)]
    prices = [
        2950 * sqm + 12000 * rooms + 40000 + (1500 if i % 2 else -1500)
        for i, (sqm, rooms) in enumerate(sales)
    ]
    bias, *weights = least_squares([list(s) for s in sales], prices)
    return _versioned(
        {
            "name": "house-price",
            "kind": "linear-regression",
            "features": ["sqm", "rooms"],
            "target": "price",
            "weights": [round(w, 6) for w in weights],
            "bias": round(bias, 6),
        }
    )


REVIEWS = [
    ("great product fast delivery", 1),
    ("works great love it", 1),
    ("excellent quality and fast", 1),
    ("love the design excellent value", 1),
    ("broken on arrival", 0),
    ("slow delivery and poor quality", 0),
    ("stopped working returned it", 0),
    ("poor value broken after a week", 0),
]


def sentiment_model() -> dict:
    """Naive Bayes over words, kept as a linear model: log-odds per word plus a bias."""
    counts = {0: Counter(), 1: Counter()}
    for text, label in REVIEWS:
        counts[label].update(text.split())
    vocab = set(counts[0]) | set(counts[1])
    totals = {label: sum(c.values()) + len(vocab) for label, c in counts.items()}
    weights = {
        w: round(
            math.log((counts[1][w] + 1) / totals[1]) - math.log((counts[0][w] + 1) / totals[0]), 6
        )
        for w in sorted(vocab)
    }
    positives = sum(label for _, label in REVIEWS)
    return _versioned(
        {
            "name": "sentiment",
            "kind": "bag-of-words",
            "labels": ["negative", "positive"],
            "weights": weights,
            "bias": round(math.log(positives / (len(REVIEWS) - positives)), 6),
        }
    )


# -- AWS resources -------------------------------------------------------------------------------


def package(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, content)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="ml-inference", help="function name")
    parser.add_argument("--bucket", help="model bucket (default: <name>-models)")
    parser.add_argument("--role-arn", help="an existing execution role to use")
    args = parser.parse_args()
    bucket = args.bucket or f"{args.name}-models"
    session = boto3.Session()
    s3 = session.client("s3")
    lam = session.client("lambda")

    ensure_bucket(s3, bucket)
    s3_model = house_price_model()
    s3.put_object(Bucket=bucket, Key=MODEL_KEY, Body=json.dumps(s3_model).encode())
    print(f"uploaded model house-price version {s3_model['version']} to s3://{bucket}/{MODEL_KEY}")

    packaged = sentiment_model()
    with open(os.path.join(HERE, "function", "app.py"), "rb") as f:
        code = package({"app.py": f.read(), "models/sentiment.json": json.dumps(packaged).encode()})
    print(f"packaged model sentiment version {packaged['version']} with the function code")

    role = args.role_arn or execution_role(
        session,
        f"{args.name}-role",
        [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/{MODEL_KEY}",
            }
        ],
    )
    deploy_function(
        lam,
        args.name,
        code,
        Runtime="python3.12",
        Handler="app.handler",
        Role=role,
        MemorySize=1024,
        Timeout=30,
        Description="Multi-model inference: models load at init from S3 and the package",
        Environment={"Variables": {"MODEL_BUCKET": bucket, "MODEL_KEY": MODEL_KEY}},
    )
    print("try it:")
    print(
        f"  aws lambda invoke --function-name {args.name} --cli-binary-format raw-in-base64-out "
        """--payload '{"model": "house-price", "features": {"sqm": 100, "rooms": 3}}' out.json"""
    )
    print(
        f"  aws lambda invoke --function-name {args.name} --cli-binary-format raw-in-base64-out "
        """--payload '{"model": "sentiment", "text": "great value, fast delivery"}' out.json"""
    )


if __name__ == "__main__":
    main()
