"""STS operations: who is calling, and temporary credentials registered with the account registry.

Temporary credentials go through `platform.accounts.add_temporary`, so SigV4 verification
accepts them (with their X-Amz-Security-Token) and requests run as the assumed-role
principal in the role's account until they expire on the platform clock. Roles are not
checked against IAM (Strato has none yet): any well-formed role ARN can be assumed.
"""

from __future__ import annotations

import re
from typing import Any

from ...auth import RequestContext
from ...platform import Platform
from ...protocol import ServiceError
from . import identities

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$")
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")


def _validation(message: str) -> ServiceError:
    return ServiceError("ValidationError", message, 400)


def _duration(params: dict[str, Any], default: int, high: int) -> int:
    seconds = params.get("DurationSeconds", default)
    if seconds < 900:
        raise _validation(
            f"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to "
            "satisfy constraint: Member must have value greater than or equal to 900"
        )
    if seconds > high:
        raise _validation(
            f"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to "
            f"satisfy constraint: Member must have value less than or equal to {high}"
        )
    return seconds


class StsProvider:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.accounts = platform.accounts
        self.clock = platform.clock

    def get_caller_identity(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        key = self.accounts.lookup(ctx.access_key_id or "")
        return {
            "Account": ctx.account_id,
            "Arn": ctx.principal_arn,
            "UserId": self._user_id(ctx, key.user_id if key else None),
        }

    def _user_id(self, ctx: RequestContext, stored: str | None) -> str:
        if stored:
            return stored
        if ctx.principal_arn.endswith(":root"):
            return ctx.account_id
        return identities.unique_id("AIDA", ctx.principal_arn)

    def assume_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        return self._assume(params, _duration(params, 3600, 43200))

    def assume_role_with_web_identity(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        """Any token is accepted: Strato has no identity provider to check it against."""
        result = self._assume(params, _duration(params, 3600, 43200))
        result["SubjectFromWebIdentityToken"] = "strato-web-identity"
        result["Provider"] = params.get("ProviderId") or "strato"
        result["Audience"] = "sts.amazonaws.com"
        return result

    def _assume(self, params: dict[str, Any], seconds: int) -> dict:
        role_arn, session = params["RoleArn"], params["RoleSessionName"]
        match = _ROLE_ARN.match(role_arn)
        if match is None:
            raise _validation(f"{role_arn} is invalid")
        if not _SESSION_NAME.match(session):
            raise _validation(
                f"1 validation error detected: Value '{session}' at 'roleSessionName' failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            )
        account, role = match.group(1), match.group(2)
        role_id = identities.unique_id("AROA", role_arn)
        arn = f"arn:aws:sts::{account}:assumed-role/{role}/{session}"
        credentials = self._issue(account, arn, f"{role_id}:{session}", seconds)
        result: dict[str, Any] = {
            "Credentials": credentials,
            "AssumedRoleUser": {"AssumedRoleId": f"{role_id}:{session}", "Arn": arn},
            "PackedPolicySize": 0,
        }
        if params.get("SourceIdentity"):
            result["SourceIdentity"] = params["SourceIdentity"]
        return result

    def get_session_token(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        seconds = _duration(params, 43200, 129600)
        key = self.accounts.lookup(ctx.access_key_id or "")
        if key is not None and key.temporary:
            raise ServiceError(
                "AccessDenied", "Cannot call GetSessionToken with session credentials", 403
            )
        user_id = self._user_id(ctx, None)
        return {"Credentials": self._issue(ctx.account_id, ctx.principal_arn, user_id, seconds)}

    def get_access_key_info(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        key_id = params["AccessKeyId"]
        key = self.accounts.lookup(key_id)
        account = key.account_id if key is not None else identities.account_from_key_id(key_id)
        if account is None:
            raise _validation(
                f"1 validation error detected: Value '{key_id}' at 'accessKeyId' failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: [\\w]*"
            )
        return {"Account": account}

    def _issue(self, account: str, principal_arn: str, user_id: str, seconds: int) -> dict:
        expires_at = int(self.clock.now()) + seconds
        key = self.accounts.add_temporary(
            identities.temporary_access_key_id(),
            identities.secret_access_key(),
            identities.session_token(),
            account,
            principal_arn,
            user_id,
            expires_at,
        )
        return {
            "AccessKeyId": key.access_key_id,
            "SecretAccessKey": key.secret_access_key,
            "SessionToken": key.session_token,
            "Expiration": expires_at,
        }
