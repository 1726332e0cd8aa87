"""Names and ARNs: what AWS accepts as a resource name, and reading our ARNs back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import invalid_arn, invalid_name

# AWS: 1-80 characters; no whitespace, brackets, wildcards, these punctuation marks or
# control characters.
_BAD_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d*:.+$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")


def check_name(name: str) -> None:
    if not 1 <= len(name) <= 80 or _BAD_NAME.search(name):
        raise invalid_name(name)


def check_role_arn(arn: str) -> None:
    if not arn.startswith("arn:"):
        raise invalid_arn(f"Invalid ARN prefix: {arn}")
    if not _ROLE_ARN.match(arn):
        raise invalid_arn(f"Resource type not valid in this context: {arn}")


@dataclass(frozen=True)
class MachineRef:
    """A state machine ARN, possibly qualified by a version number or an alias name."""

    account: str
    region: str
    name: str
    version: int | None = None
    alias: str | None = None

    @property
    def base_arn(self) -> str:
        return f"arn:aws:states:{self.region}:{self.account}:stateMachine:{self.name}"


def _parts(arn: str, kind: str) -> list[str]:
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        raise invalid_arn(f"Invalid ARN prefix: {arn}")
    if not _ARN.match(arn):
        raise invalid_arn(f"Invalid ARN: {arn}")
    parts = arn.split(":")
    if parts[2] != "states" or len(parts) < 7 or parts[5] != kind:
        raise invalid_arn(f"Resource type not valid in this context: {parts[5]}")
    return parts


def parse_machine_arn(arn: str) -> MachineRef:
    parts = _parts(arn, "stateMachine")
    if len(parts) > 8:
        raise invalid_arn(f"Invalid ARN: {arn}")
    ref = MachineRef(parts[4], parts[3], parts[6])
    if len(parts) == 8:
        qualifier = parts[7]
        if qualifier.isdigit():
            return MachineRef(ref.account, ref.region, ref.name, version=int(qualifier))
        return MachineRef(ref.account, ref.region, ref.name, alias=qualifier)
    return ref


def parse_execution_arn(arn: str) -> tuple[str, str, str, str]:
    """(account, region, machine name, execution name) of an execution ARN."""
    if isinstance(arn, str) and ":express:" in arn:
        parts = _parts(arn, "express")
        if len(parts) == 9:  # express ARNs end in a run id
            return parts[4], parts[3], parts[6], parts[7]
    else:
        parts = _parts(arn, "execution")
    if len(parts) != 8:
        raise invalid_arn(f"Invalid ARN: {arn}")
    return parts[4], parts[3], parts[6], parts[7]


def parse_activity_arn(arn: str) -> tuple[str, str, str]:
    parts = _parts(arn, "activity")
    if len(parts) != 7:
        raise invalid_arn(f"Invalid ARN: {arn}")
    return parts[4], parts[3], parts[6]
