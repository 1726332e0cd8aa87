"""How DynamoDB state is laid out in the store: namespaces, record keys and ARNs.

`dynamodb:tables` (account, region, table) -> the table record (definition, stream and
TTL settings, tags); `dynamodb:items` and `dynamodb:index` hold items and index entries
under the keys `storage_keys` builds; `dynamodb:stats` (account, region, table) -> item
counts and sizes, kept in the same transaction as every write; `dynamodb:tokens`
(account, region, token) -> a TransactWriteItems ClientRequestToken and what it did.
"""

from __future__ import annotations

from ...store import keys

TABLES = "dynamodb:tables"
ITEMS = "dynamodb:items"
INDEX = "dynamodb:index"
STATS = "dynamodb:stats"
TOKENS = "dynamodb:tokens"


def table_key(account: str, region: str, name: str) -> bytes:
    return keys.pack(account, region, name)


def table_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def index_arn(account: str, region: str, table: str, index: str) -> str:
    return f"{table_arn(account, region, table)}/index/{index}"


def parse_table_arn(arn: str) -> tuple[str, str, str] | None:
    """(account, region, table) of a table ARN, or None if `arn` is not one."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "dynamodb":
        return None
    resource = parts[5]
    if not resource.startswith("table/"):
        return None
    name = resource[len("table/") :]
    if not name or "/" in name:
        return None
    return parts[4], parts[3], name
