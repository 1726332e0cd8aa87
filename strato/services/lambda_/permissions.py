"""Resource-based policies: AddPermission, RemovePermission, GetPolicy, and whether a caller may invoke.

A function has one policy per qualifier (the unqualified function, each alias, each
version), stored in the function record under "Policies" as that policy's statement list.
As in AWS, a policy's RevisionId is the RevisionId of the function, alias or version it
belongs to, and changing the policy changes it.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from ...auth import RequestContext
from ...auth.policy import ALLOW, Request, evaluate, parse
from . import records
from .base import LambdaBase
from .errors import conflict, invalid, resource_not_found, revision_mismatch, validation

_ACCOUNT = re.compile(r"^\d{12}$")
_SERVICE = re.compile(r"^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|amazon\.com)$")
_IAM_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:.+$")
_STATEMENT_ID = re.compile(r"^[a-zA-Z0-9-_]+$")
_ACTION = re.compile(r"^(lambda:[*]|lambda:[a-zA-Z]+|[*])$")


class PermissionOperations(LambdaBase):
    def add_permission(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        if qualifier == records.LATEST:
            raise invalid("We currently do not support adding policies for $LATEST.")
        sid = p["StatementId"]
        if not _STATEMENT_ID.match(sid):
            raise validation(_pattern_error(sid, "statementId", "([a-zA-Z0-9-_]+)"))
        if not _ACTION.match(p["Action"]):
            raise validation(
                _pattern_error(p["Action"], "action", "(lambda:[*]|lambda:[a-zA-Z]+|[*])")
            )
        with self.store.transaction():
            record = self.function(ctx, name)
            self.check_qualifier(ctx, record, qualifier)
            key = qualifier or records.LATEST
            self._check_policy_revision(ctx, record, key, p.get("RevisionId"))
            statements = record.setdefault("Policies", {}).setdefault(key, [])
            if any(s["Sid"] == sid for s in statements):
                raise conflict(
                    f"The statement id ({sid}) provided already exists. Please provide a new statement id, or remove the existing statement."
                )
            statement = render_statement(p, records.function_arn(ctx, ctx.region, name, qualifier))
            statements.append(statement)
            self._bump_revision(ctx, record, key)
            self.save(ctx, record)
        return {"Statement": _json(statement), "_status": 201}

    def remove_permission(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        with self.store.transaction():
            record = self.store.get(
                records.FUNCTIONS, records.function_key(ctx.account_id, ctx.region, name)
            )
            if record is None:
                raise resource_not_found(
                    f"No policy found for: {records.function_arn(ctx, ctx.region, name)}"
                )
            self.check_qualifier(ctx, record, qualifier)
            key = qualifier or records.LATEST
            policies = record.get("Policies") or {}
            statements = policies.get(key)
            if not statements:
                raise resource_not_found("No policy is associated with the given resource.")
            kept = [s for s in statements if s["Sid"] != p["StatementId"]]
            if len(kept) == len(statements):
                raise resource_not_found(
                    f"Statement {p['StatementId']} is not found in resource policy."
                )
            self._check_policy_revision(ctx, record, key, p.get("RevisionId"))
            if kept:
                policies[key] = kept
            else:
                policies.pop(key)
            self._bump_revision(ctx, record, key)
            self.save(ctx, record)
        return {"_status": 204}

    def get_policy(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        name, qualifier = records.resolve_name(ctx, p["FunctionName"], p.get("Qualifier"))
        record = self.function(ctx, name)
        key = qualifier or records.LATEST
        statements = (record.get("Policies") or {}).get(key)
        if not statements:
            raise resource_not_found("The resource you requested does not exist.")
        document = {"Version": "2012-10-17", "Id": "default", "Statement": statements}
        return {"Policy": _json(document), "RevisionId": self._policy_revision(ctx, record, key)}

    def allows(
        self,
        account_id: str,
        region: str,
        name: str,
        qualifier: str | None,
        principal: str | None,
        service: str | None,
        source_arn: str | None,
        source_account: str | None,
    ) -> bool:
        """May this caller invoke the function? Other services ask before they invoke one.

        `principal` is the calling IAM identity's ARN (or an account id), `service` the
        service principal (e.g. "s3.amazonaws.com") when a service calls on a resource's
        behalf; `source_arn`/`source_account` name that resource. A direct call from the
        function's own account is always allowed (Strato does not evaluate identity policies);
        everything else needs a statement of the policy of the invoked qualifier: as in AWS,
        invoking an alias or version needs a permission on that alias or version.
        """
        record = self.store.get(records.FUNCTIONS, records.function_key(account_id, region, name))
        if record is None:
            return False
        return may_invoke(
            record.get("Policies") or {},
            account_id,
            region,
            name,
            qualifier,
            principal,
            service,
            source_arn,
            source_account,
        )

    # -- revision ids: a policy's is its function's, alias's or version's ---------------
    def _policy_revision(self, ctx: RequestContext, record: dict[str, Any], key: str) -> str:
        if key == records.LATEST:
            return record["Configuration"]["RevisionId"]
        if not key.isdigit():
            return record["Aliases"][key]["RevisionId"]
        version = self.store.get(
            records.VERSIONS,
            records.version_key(
                ctx.account_id, ctx.region, record["Configuration"]["FunctionName"], key
            ),
        )
        return version["Configuration"]["RevisionId"]

    def _check_policy_revision(
        self, ctx: RequestContext, record: dict[str, Any], key: str, revision: str | None
    ) -> None:
        if revision and revision != self._policy_revision(ctx, record, key):
            raise revision_mismatch()

    def _bump_revision(self, ctx: RequestContext, record: dict[str, Any], key: str) -> None:
        """A new RevisionId for what the policy belongs to (inside the caller's transaction)."""
        revision = str(uuid.uuid4())
        if key == records.LATEST:
            record["Configuration"]["RevisionId"] = revision
        elif not key.isdigit():
            record["Aliases"][key]["RevisionId"] = revision
        else:
            vkey = records.version_key(
                ctx.account_id, ctx.region, record["Configuration"]["FunctionName"], key
            )
            version = self.store.get(records.VERSIONS, vkey)
            version["Configuration"]["RevisionId"] = revision
            self.store.put(records.VERSIONS, vkey, version)


def may_invoke(
    policies: dict[str, list[dict[str, Any]]],
    account_id: str,
    region: str,
    name: str,
    qualifier: str | None,
    principal: str | None,
    service: str | None,
    source_arn: str | None,
    source_account: str | None,
) -> bool:
    """`allows` on a function's policies (statement lists by qualifier): a pure decision."""
    caller_account = _account_of(principal)
    if service is None and caller_account == account_id:
        return True
    key = qualifier if qualifier not in (None, records.LATEST) else records.LATEST
    statements = policies.get(key) or []
    if not statements:
        return False
    context = {}
    if source_arn:
        context["aws:SourceArn"] = source_arn
    if source_account:
        context["aws:SourceAccount"] = source_account
    if principal and not _ACCOUNT.match(principal):
        principal_arn = principal
    else:
        principal_arn = f"arn:aws:iam::{caller_account}:root" if caller_account else "*"
    request = Request(
        principal_arn=principal_arn,
        account_id=caller_account or "",
        action="lambda:InvokeFunction",
        resource=records.function_arn(
            account_id, region, name, None if key == records.LATEST else key
        ),
        context=context,
        service_principal=service,
    )
    return evaluate(parse({"Statement": statements}), request) == ALLOW


def render_statement(p: dict[str, Any], resource: str) -> dict[str, Any]:
    """The policy statement AddPermission adds, laid out as AWS renders it."""
    statement: dict[str, Any] = {
        "Sid": p["StatementId"],
        "Effect": "Allow",
        "Principal": _principal(p["Principal"]),
        "Action": p["Action"],
        "Resource": resource,
    }
    equals = {}
    if p.get("SourceAccount"):
        equals["AWS:SourceAccount"] = p["SourceAccount"]
    if p.get("PrincipalOrgID"):
        equals["aws:PrincipalOrgID"] = p["PrincipalOrgID"]
    if p.get("EventSourceToken"):
        equals["lambda:EventSourceToken"] = p["EventSourceToken"]
    if p.get("FunctionUrlAuthType"):
        equals["lambda:FunctionUrlAuthType"] = p["FunctionUrlAuthType"]
    condition: dict[str, Any] = {}
    if equals:
        condition["StringEquals"] = equals
    if p.get("SourceArn"):
        condition["ArnLike"] = {"AWS:SourceArn": p["SourceArn"]}
    if p.get("InvokedViaFunctionUrl") is not None:
        condition["Bool"] = {
            "lambda:InvokedViaFunctionUrl": "true" if p["InvokedViaFunctionUrl"] else "false"
        }
    if condition:
        statement["Condition"] = condition
    return statement


def _principal(principal: str) -> Any:
    if principal == "*":
        return "*"
    if _ACCOUNT.match(principal):
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if _SERVICE.match(principal):
        return {"Service": principal}
    if _IAM_ARN.match(principal):
        return {"AWS": principal}
    raise invalid("The provided principal was invalid. Please check the principal and try again.")


def _account_of(principal: str | None) -> str | None:
    if not principal:
        return None
    if _ACCOUNT.match(principal):
        return principal
    parts = principal.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" and _ACCOUNT.match(parts[4]) else None


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def _pattern_error(value: str, member: str, pattern: str) -> str:
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
