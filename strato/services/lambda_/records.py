"""How Lambda state sits in the store, and the names and ARNs AWS derives from it."""

from __future__ import annotations

import datetime as dt
import re

from ...auth import RequestContext
from ...store import keys
from .errors import not_found, validation

FUNCTIONS = "lambda:functions"  # (account, region, name) -> function record ($LATEST + metadata)
VERSIONS = "lambda:versions"  # (account, region, name, version as 10 digits) -> published config
ASYNC = "lambda:async"  # (due ms as 16 digits, id) -> pending asynchronous invocation

LATEST = "$LATEST"
_NAME = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:(?P<name>[a-zA-Z0-9-_]+)(:(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$"
)
_PARTIAL = re.compile(
    r"^(?P<account>\d{12}):function:(?P<name>[a-zA-Z0-9-_]+)(:(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$"
)
_QUALIFIED_NAME = re.compile(
    r"^(?P<name>[a-zA-Z0-9-_]+)(:(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$"
)


def function_key(account: str, region: str, name: str) -> bytes:
    return keys.pack(account, region, name)


def version_key(account: str, region: str, name: str, version: str) -> bytes:
    return keys.pack(account, region, name, f"{int(version):010d}")


def function_arn(ctx_or_account, region: str, name: str, qualifier: str | None = None) -> str:
    account = (
        ctx_or_account.account_id if isinstance(ctx_or_account, RequestContext) else ctx_or_account
    )
    arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def resolve_name(
    ctx: RequestContext, identifier: str, qualifier: str | None = None
) -> tuple[str, str | None]:
    """(function name, qualifier) from a name, a partial ARN or a full ARN, as AWS accepts them."""
    m = _ARN.match(identifier)
    if m:
        if m["account"] != ctx.account_id or m["region"] != ctx.region:
            raise not_found(identifier)
        found = m["qualifier"]
    else:
        m = _PARTIAL.match(identifier) or _QUALIFIED_NAME.match(identifier)
        if not m:
            raise validation(
                f"1 validation error detected: Value '{identifier}' at 'functionName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: "
                "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"
            )
        if "account" in m.groupdict() and m["account"] != ctx.account_id:
            raise not_found(identifier)
        found = m["qualifier"]
    if found and qualifier and found != qualifier:
        raise validation(
            "The derived qualifier from the function name does not match the specified qualifier."
        )
    return m["name"], qualifier or found


def parse_function_arn(arn: str) -> tuple[str, str, str, str | None] | None:
    """(account, region, name, qualifier) of a full function ARN, or None if it is not one."""
    m = _ARN.match(arn)
    return (m["account"], m["region"], m["name"], m["qualifier"]) if m else None


def check_name(name: str) -> None:
    if not _NAME.match(name):
        raise validation(
            f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+"
        )


def timestamp(now: float) -> str:
    """Lambda's LastModified text: 2024-01-31T12:00:00.000+0000."""
    d = dt.datetime.fromtimestamp(now, dt.UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}+0000"
