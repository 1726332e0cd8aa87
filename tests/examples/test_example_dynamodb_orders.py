"""examples/dynamodb-orders: a GSI, an atomic stock-and-order transaction, and TTL on carts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from example_helpers import EXAMPLES, unique


@pytest.fixture
def ddb(client_factory):
    return client_factory("dynamodb")


def run_app(endpoint: str, *args: str) -> str:
    """Run examples/dynamodb-orders/app.py as a reader would (AWS_ENDPOINT_URL set)."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "dynamodb-orders" / "app.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"app.py failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_orders_gsi_transactions_and_ttl(endpoint, ddb):
    name = unique("orders")
    tables = {t: f"{name}-{t}" for t in ("inventory", "orders", "carts")}
    try:
        out = run_app(endpoint, "--name", name, "--keep", "--ttl-wait", "30")
        lines = out.splitlines()

        # The out-of-stock order was cancelled as a whole: the stock check failed, so the
        # order put did not happen either, and the stock stayed where it was.
        cancelled = [x for x in lines if x.startswith("cancelled order-0003:")]
        assert len(cancelled) == 1, out
        assert "TransactionCanceledException" in cancelled[0]
        assert "reasons ['ConditionalCheckFailed', 'None']" in cancelled[0]
        assert "stock 0 -> 0, order stored: False" in cancelled[0]
        assert "placed order-0001: alice 2 x sku-mug; stock 10 -> 8" in lines
        assert "placed order-0002: bob 2 x sku-tee; stock 2 -> 0" in lines
        assert "placed order-0004: alice 1 x sku-mug; stock 8 -> 7" in lines

        def stock(sku: str) -> int:
            item = ddb.get_item(
                TableName=tables["inventory"], Key={"sku": {"S": sku}}, ConsistentRead=True
            )["Item"]
            return int(item["stock"]["N"])

        assert (stock("sku-mug"), stock("sku-tee")) == (7, 0)
        orders = ddb.scan(TableName=tables["orders"], ConsistentRead=True)["Items"]
        assert sorted(o["order_id"]["S"] for o in orders) == [
            "order-0001",
            "order-0002",
            "order-0004",
        ]

        # The GSI returns the customer's orders, and follows the status change of the shipment.
        assert (
            "GSI by-customer-status: alice's orders: "
            "[('order-0001', 'SHIPPED'), ('order-0004', 'PLACED')]"
        ) in lines
        assert "GSI by-customer-status: alice's PLACED orders: [('order-0004', 'PLACED')]" in lines
        assert "GSI by-customer-status: bob's orders: [('order-0002', 'PLACED')]" in lines
        by_gsi = ddb.query(
            TableName=tables["orders"],
            IndexName="by-customer-status",
            KeyConditionExpression="customer_id = :c",
            ExpressionAttributeValues={":c": {"S": "alice"}},
        )["Items"]
        assert sorted((o["order_id"]["S"], o["order_status"]["S"]) for o in by_gsi) == [
            ("order-0001", "SHIPPED"),
            ("order-0004", "PLACED"),
        ]

        # TTL: the read-time filter hid the expired cart at once, and the sweeper deleted it
        # within the bounded wait; the cart that expires in an hour is still there.
        assert "carts not yet expired (read-time filter): ['cart-alice']" in lines
        assert any(x.startswith("cart-abandoned expired: TTL deleted it after") for x in lines), out
        carts = ddb.scan(TableName=tables["carts"], ConsistentRead=True)["Items"]
        assert [c["cart_id"]["S"] for c in carts] == ["cart-alice"]
        ttl = ddb.describe_time_to_live(TableName=tables["carts"])["TimeToLiveDescription"]
        assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    finally:
        for table in tables.values():
            try:
                ddb.delete_table(TableName=table)
            except Exception:  # noqa: BLE001 - the app may not have got as far as creating it
                pass
