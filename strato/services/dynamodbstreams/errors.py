"""DynamoDB Streams errors, with the codes AWS returns and messages in its style."""

from __future__ import annotations

import time

from ...protocol import ServiceError
from .records import ITERATOR_TTL_MS


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def stream_not_found(arn: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException", f"Requested resource not found: Stream: {arn} not found", 400
    )


def table_not_found(name: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found", 400
    )


def shard_not_found(shard_id: str, arn: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException",
        f"Requested resource not found: Shard: {shard_id} in Stream: {arn} not found",
        400,
    )


def invalid_iterator() -> ServiceError:
    return validation("Invalid ShardIterator")


def expired_iterator(issued_ms: int, now_ms: int) -> ServiceError:
    return ServiceError(
        "ExpiredIteratorException",
        f"Iterator expired. The iterator was created at time {_when(issued_ms)} while right "
        f"now it is {_when(now_ms)} which is further in the future than the tolerated delay "
        f"of {ITERATOR_TTL_MS} milliseconds.",
        400,
    )


def trimmed(shard_id: str) -> ServiceError:
    return ServiceError(
        "TrimmedDataAccessException",
        f"Attempted to access a sequence number in {shard_id} that is beyond the trim horizon: "
        "the stream record is older than 24 hours and has been trimmed.",
        400,
    )


def invalid_sequence(sequence: str, shard_id: str) -> ServiceError:
    return validation(f"Invalid SequenceNumber {sequence} for shard {shard_id}")


def _when(ms: int) -> str:
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(ms / 1000))
