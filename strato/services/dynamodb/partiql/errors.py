"""PartiQL's errors, with the codes and messages DynamoDB gives for them."""

from __future__ import annotations

from ....protocol import ServiceError
from ..errors import validation

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "
PARAMETER_COUNT = "Number of parameters in request and statement don't match."
INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
DUPLICATE_ITEM = "Duplicate primary key exists in table"


class StatementSyntaxError(Exception):
    """A statement that does not parse; `detail` follows AWS's "wasn't well formed" prefix."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def not_well_formed(detail: str) -> ServiceError:
    return validation(NOT_WELL_FORMED + detail)


def incomplete_key() -> ServiceError:
    return validation(INCOMPLETE_KEY)


def duplicate_item() -> ServiceError:
    return ServiceError("DuplicateItemException", DUPLICATE_ITEM, 400)


def key_type_mismatch(name: str) -> ServiceError:
    return validation(
        f"Key attribute's data type should match its data type in table's schema: Key {name}"
    )
