"""A small order system on DynamoDB: a GSI, transactions and TTL.

Three tables:

- <name>-inventory: one item per product (sku) with its stock level.
- <name>-orders: one item per order, and a global secondary index
  `by-customer-status` (customer_id, order_status) to list a customer's orders.
- <name>-carts: shopping carts that expire; TTL on the `expires_at` attribute.

Placing an order is one TransactWriteItems: decrement the stock, on the condition
that there is enough, and put the order. When the stock is short the whole
transaction is cancelled: no order, no stock change.

It is plain boto3 code, the same as it would run against AWS; it reaches Strato
because AWS_ENDPOINT_URL points there.

    python examples/dynamodb-orders/app.py [--name orders-example] [--keep]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime

import boto3

GSI = "by-customer-status"

PRODUCTS = {"sku-mug": ("Coffee mug", 10, "12.50"), "sku-tee": ("T-shirt", 2, "20.00")}

# (customer, sku, quantity): the third one wants a T-shirt after bob took the last two
ORDERS = [
    ("alice", "sku-mug", 2),
    ("bob", "sku-tee", 2),
    ("alice", "sku-tee", 1),
    ("alice", "sku-mug", 1),
]


def log(message: str) -> None:
    print(message, flush=True)


# ----------------------------------------------------------------------- tables


def create_tables(ddb, name: str) -> dict[str, str]:
    tables = {t: f"{name}-{t}" for t in ("inventory", "orders", "carts")}
    ddb.create_table(
        TableName=tables["inventory"],
        AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.create_table(
        TableName=tables["orders"],
        AttributeDefinitions=[
            {"AttributeName": "order_id", "AttributeType": "S"},
            {"AttributeName": "customer_id", "AttributeType": "S"},
            {"AttributeName": "order_status", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": GSI,
                "KeySchema": [
                    {"AttributeName": "customer_id", "KeyType": "HASH"},
                    {"AttributeName": "order_status", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.create_table(
        TableName=tables["carts"],
        AttributeDefinitions=[{"AttributeName": "cart_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "cart_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    waiter = ddb.get_waiter("table_exists")
    for table in tables.values():
        waiter.wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    log(
        f"created tables {', '.join(tables.values())} "
        f"({tables['orders']} with GSI {GSI}: customer_id + order_status)"
    )
    return tables


def delete_tables(ddb, tables: dict[str, str]) -> None:
    for table in tables.values():
        ddb.delete_table(TableName=table)
    log(f"deleted tables {', '.join(tables.values())}")


# ------------------------------------------------------------------------ orders


def stock(ddb, tables: dict[str, str], sku: str) -> int:
    item = ddb.get_item(TableName=tables["inventory"], Key={"sku": {"S": sku}}, ConsistentRead=True)
    return int(item["Item"]["stock"]["N"])


def place_order(ddb, tables: dict[str, str], order_id: str, customer: str, sku: str, qty: int):
    """One transaction: take the stock if there is enough, and record the order.

    Returns None when the order was placed, or the cancellation reasons (one per
    action of the transaction) when DynamoDB cancelled it.
    """
    price = PRODUCTS[sku][2]
    try:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": tables["inventory"],
                        "Key": {"sku": {"S": sku}},
                        "UpdateExpression": "SET stock = stock - :qty",
                        "ConditionExpression": "stock >= :qty",
                        "ExpressionAttributeValues": {":qty": {"N": str(qty)}},
                    }
                },
                {
                    "Put": {
                        "TableName": tables["orders"],
                        "Item": {
                            "order_id": {"S": order_id},
                            "customer_id": {"S": customer},
                            "order_status": {"S": "PLACED"},
                            "sku": {"S": sku},
                            "quantity": {"N": str(qty)},
                            "total": {"N": str(qty * float(price))},
                            "placed_at": {"S": datetime.now(UTC).isoformat(timespec="seconds")},
                        },
                        "ConditionExpression": "attribute_not_exists(order_id)",
                    }
                },
            ]
        )
    except ddb.exceptions.TransactionCanceledException as e:
        return [r.get("Code", "None") for r in e.response.get("CancellationReasons", [])]
    return None


def ship(ddb, tables: dict[str, str], order_id: str) -> None:
    """Move an order from PLACED to SHIPPED; the GSI follows the new key."""
    ddb.update_item(
        TableName=tables["orders"],
        Key={"order_id": {"S": order_id}},
        UpdateExpression="SET order_status = :shipped",
        ConditionExpression="order_status = :placed",
        ExpressionAttributeValues={":shipped": {"S": "SHIPPED"}, ":placed": {"S": "PLACED"}},
    )
    log(f"shipped {order_id}: order_status PLACED -> SHIPPED")


def customer_orders(ddb, tables: dict[str, str], customer: str, status: str | None = None):
    """The customer's orders from the GSI, optionally only those in one status."""
    condition = "customer_id = :c"
    values = {":c": {"S": customer}}
    if status:
        condition += " AND order_status = :s"
        values[":s"] = {"S": status}
    items = ddb.query(
        TableName=tables["orders"],
        IndexName=GSI,
        KeyConditionExpression=condition,
        ExpressionAttributeValues=values,
    )["Items"]
    return sorted((i["order_id"]["S"], i["order_status"]["S"]) for i in items)


def eventually(read, expected, timeout: float = 10.0):
    """GSI reads are eventually consistent on AWS: read until `expected` (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        got = read()
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


# ------------------------------------------------------------------------- carts


def carts_with_ttl(ddb, tables: dict[str, str], ttl_wait: float) -> None:
    ddb.update_time_to_live(
        TableName=tables["carts"],
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )
    log(f"enabled TTL on {tables['carts']}.expires_at")
    now = int(time.time())
    carts = {"cart-alice": now + 3600, "cart-abandoned": now - 60}
    for cart_id, expires in carts.items():
        ddb.put_item(
            TableName=tables["carts"],
            Item={
                "cart_id": {"S": cart_id},
                "items": {"L": [{"S": "sku-mug"}]},
                "expires_at": {"N": str(expires)},
            },
        )
        log(f"put {cart_id} expiring at {expires} ({expires - now:+d} s from now)")

    # Until TTL deletes it, an expired item is still there: readers filter on the attribute.
    live = ddb.scan(
        TableName=tables["carts"],
        FilterExpression="expires_at > :now",
        ExpressionAttributeValues={":now": {"N": str(int(time.time()))}},
    )["Items"]
    log(f"carts not yet expired (read-time filter): {sorted(i['cart_id']['S'] for i in live)}")

    def present(cart_id: str) -> bool:
        r = ddb.get_item(
            TableName=tables["carts"], Key={"cart_id": {"S": cart_id}}, ConsistentRead=True
        )
        return "Item" in r

    t0 = time.monotonic()
    while present("cart-abandoned") and time.monotonic() - t0 < ttl_wait:
        time.sleep(0.5)
    waited = time.monotonic() - t0
    if present("cart-abandoned"):
        log(
            f"cart-abandoned still there after {waited:.0f} s "
            "(AWS deletes expired items in the background, typically within a few days)"
        )
    else:
        log(f"cart-abandoned expired: TTL deleted it after {waited:.1f} s")
    log(f"cart-alice (expires in an hour) still there: {present('cart-alice')}")


# -------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="orders-example", help="prefix of the table names")
    parser.add_argument("--keep", action="store_true", help="leave the tables behind")
    parser.add_argument(
        "--ttl-wait", type=float, default=30.0, help="seconds to wait for TTL to delete the cart"
    )
    args = parser.parse_args(argv)

    ddb = boto3.client("dynamodb")
    tables = create_tables(ddb, args.name)
    try:
        for sku, (title, count, price) in PRODUCTS.items():
            ddb.put_item(
                TableName=tables["inventory"],
                Item={
                    "sku": {"S": sku},
                    "title": {"S": title},
                    "stock": {"N": str(count)},
                    "price": {"N": price},
                },
            )
            log(f"stocked {sku}: {count} x {title} at {price}")

        placed: dict[str, list[str]] = {}
        for n, (customer, sku, qty) in enumerate(ORDERS, start=1):
            order_id = f"order-{n:04d}"
            before = stock(ddb, tables, sku)
            reasons = place_order(ddb, tables, order_id, customer, sku, qty)
            after = stock(ddb, tables, sku)
            if reasons is None:
                placed.setdefault(customer, []).append(order_id)
                log(f"placed {order_id}: {customer} {qty} x {sku}; stock {before} -> {after}")
            else:
                stored = "Item" in ddb.get_item(
                    TableName=tables["orders"],
                    Key={"order_id": {"S": order_id}},
                    ConsistentRead=True,
                )
                log(
                    f"cancelled {order_id}: {customer} {qty} x {sku}: "
                    f"TransactionCanceledException, reasons {reasons}; "
                    f"stock {before} -> {after}, order stored: {stored}"
                )

        ship(ddb, tables, placed["alice"][0])

        expected = sorted([(placed["alice"][0], "SHIPPED"), (placed["alice"][1], "PLACED")])
        got = eventually(lambda: customer_orders(ddb, tables, "alice"), expected)
        log(f"GSI {GSI}: alice's orders: {got}")
        got = eventually(
            lambda: customer_orders(ddb, tables, "alice", "PLACED"),
            [(placed["alice"][1], "PLACED")],
        )
        log(f"GSI {GSI}: alice's PLACED orders: {got}")
        got = eventually(
            lambda: customer_orders(ddb, tables, "bob"), [(placed["bob"][0], "PLACED")]
        )
        log(f"GSI {GSI}: bob's orders: {got}")

        carts_with_ttl(ddb, tables, args.ttl_wait)
        levels = {sku: stock(ddb, tables, sku) for sku in PRODUCTS}
        log(f"final stock: {levels}")
    finally:
        if args.keep:
            log(f"kept tables {', '.join(tables.values())}")
        else:
            delete_tables(ddb, tables)
    return 0


if __name__ == "__main__":
    sys.exit(main())
