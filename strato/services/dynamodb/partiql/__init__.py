"""PartiQL for DynamoDB: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction."""

from .operations import PartiQLOperations
from .parser import parse_statement

__all__ = ["PartiQLOperations", "parse_statement"]
