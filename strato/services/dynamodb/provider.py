"""The DynamoDB provider: every DynamoDB operation Strato implements, one method each, composed by area."""

from __future__ import annotations

from .account_info import AccountOperations
from .batch import BatchOperations
from .items import ItemOperations
from .partiql import PartiQLOperations
from .query import QueryOperations
from .scan import ScanOperations
from .table_updates import TableUpdates
from .tagging import TaggingOperations
from .time_to_live import TimeToLiveOperations
from .transactions import TransactionOperations
from .ttl import TimeToLiveSweeper


class DynamoDBProvider(
    TimeToLiveSweeper,
    TableUpdates,
    ItemOperations,
    QueryOperations,
    ScanOperations,
    BatchOperations,
    PartiQLOperations,
    TransactionOperations,
    TimeToLiveOperations,
    TaggingOperations,
    AccountOperations,
):
    """Tables, items, queries and scans, batches, transactions, PartiQL, TTL (settings and
    sweeper) and tags."""
