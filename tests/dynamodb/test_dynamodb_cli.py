"""The AWS CLI against Strato's DynamoDB: tables, items, queries, errors."""

from __future__ import annotations

import json
import shutil

import pytest
from dynamodb_helpers import unique

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")


def test_cli_table_and_items(aws):
    name = unique()
    aws(
        "dynamodb",
        "create-table",
        "--table-name",
        name,
        "--attribute-definitions",
        "AttributeName=pk,AttributeType=S",
        "AttributeName=n,AttributeType=N",
        "--key-schema",
        "AttributeName=pk,KeyType=HASH",
        "AttributeName=n,KeyType=RANGE",
        "--billing-mode",
        "PAY_PER_REQUEST",
    )
    try:
        aws("dynamodb", "wait", "table-exists", "--table-name", name)
        for n in (3, 1, 2):
            aws(
                "dynamodb",
                "put-item",
                "--table-name",
                name,
                "--item",
                json.dumps({"pk": {"S": "p"}, "n": {"N": str(n)}}),
            )
        out = json.loads(
            aws(
                "dynamodb",
                "query",
                "--table-name",
                name,
                "--key-condition-expression",
                "pk = :p AND n >= :n",
                "--expression-attribute-values",
                json.dumps({":p": {"S": "p"}, ":n": {"N": "2"}}),
            ).stdout
        )
        assert [i["n"]["N"] for i in out["Items"]] == ["2", "3"]
        failed = aws(
            "dynamodb",
            "put-item",
            "--table-name",
            name,
            "--item",
            json.dumps({"pk": {"S": "p"}, "n": {"N": "1"}}),
            "--condition-expression",
            "attribute_not_exists(pk)",
            check=False,
        )
        assert failed.returncode != 0
        assert "ConditionalCheckFailedException" in failed.stderr
        table = json.loads(aws("dynamodb", "describe-table", "--table-name", name).stdout)["Table"]
        assert table["ItemCount"] == 3
    finally:
        aws("dynamodb", "delete-table", "--table-name", name)
