"""How parameters sit in the store, and the views operations return.

`ssm:parameters` (account, region, name) -> {"Name", "Tags": [{"Key", "Value"}],
    "History": [{"Version", "Value", "Type", "KeyId", "Description", "AllowedPattern", "Tier",
                 "DataType", "LastModifiedDate", "LastModifiedUser", "Labels"}]}, oldest first;
the last entry is the current value. Values (SecureString too) are stored as given.
"""

from __future__ import annotations

import base64

from ...auth import RequestContext
from ...store import keys

PARAMETERS = "ssm:parameters"


def parameter_key(account: str, region: str, name: str) -> bytes:
    return keys.pack(account, region, name)


def arn(ctx: RequestContext, name: str) -> str:
    return ctx.arn("ssm", "parameter" + (name if name.startswith("/") else "/" + name))


def shown_value(entry: dict, decrypt: bool) -> str:
    if entry["Type"] == "SecureString" and not decrypt:
        return base64.b64encode(entry["Value"].encode()).decode()  # stands in for ciphertext
    return entry["Value"]


def parameter_view(
    ctx: RequestContext, name: str, entry: dict, decrypt: bool, selector: str = ""
) -> dict:
    """GetParameter's Parameter."""
    return {
        "Name": name,
        "Type": entry["Type"],
        "Value": shown_value(entry, decrypt),
        "Version": entry["Version"],
        "LastModifiedDate": entry["LastModifiedDate"],
        "ARN": arn(ctx, name),
        "DataType": entry["DataType"],
        **({"Selector": selector} if selector else {}),
    }


def metadata_view(ctx: RequestContext, name: str, entry: dict) -> dict:
    """DescribeParameters' ParameterMetadata."""
    out = {
        "Name": name,
        "ARN": arn(ctx, name),
        "Type": entry["Type"],
        "LastModifiedDate": entry["LastModifiedDate"],
        "LastModifiedUser": entry["LastModifiedUser"],
        "Version": entry["Version"],
        "Tier": entry["Tier"],
        "Policies": [],
        "DataType": entry["DataType"],
    }
    for k in ("KeyId", "Description", "AllowedPattern"):
        if entry.get(k):
            out[k] = entry[k]
    return out


def history_view(name: str, entry: dict, decrypt: bool) -> dict:
    out = metadata_view_base(entry)
    out.update(
        {
            "Name": name,
            "Value": shown_value(entry, decrypt),
            "Labels": entry["Labels"],
            "Policies": [],
        }
    )
    return out


def metadata_view_base(entry: dict) -> dict:
    return {
        k: entry[k]
        for k in (
            "Type",
            "KeyId",
            "LastModifiedDate",
            "LastModifiedUser",
            "Description",
            "AllowedPattern",
            "Version",
            "Tier",
            "DataType",
        )
        if entry.get(k) is not None
    }
