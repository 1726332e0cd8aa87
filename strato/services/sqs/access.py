"""Who may call an SQS operation on a queue: its own account (unless the queue policy denies
it), or another account or an anonymous caller the queue policy allows.

Strato has no IAM identity policies, so a caller in the queue's account is allowed by default;
an explicit Deny in the queue's `Policy` still wins, as in AWS's evaluation logic.
"""

from __future__ import annotations

from typing import Any

from ...auth import RequestContext
from ...auth.policy import (
    ALLOW,
    DENY,
    Request,
    decide,
    service_request,
)
from ...protocol import ServiceError
from . import records
from .base import QueueId, SqsBase

# Operations whose IAM action is not "sqs:" + the operation name.
_ACTIONS = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}
# AWS never extends these to other accounts, whatever the queue policy says.
OWNER_ONLY = {
    "AddPermission",
    "CancelMessageMoveTask",
    "CreateQueue",
    "DeleteQueue",
    "ListMessageMoveTasks",
    "ListQueues",
    "ListQueueTags",
    "RemovePermission",
    "SetQueueAttributes",
    "StartMessageMoveTask",
    "TagQueue",
    "UntagQueue",
}


def iam_action(operation: str) -> str:
    return "sqs:" + _ACTIONS.get(operation, operation)


def access_denied(principal: str, action: str, queue_arn: str) -> ServiceError:
    """AWS's wording; the code is AccessDenied in the query protocol and JSON's query-error header."""
    return ServiceError(
        "AccessDenied",
        f"User: {principal} is not authorized to perform: {action.lower()} on resource: "
        f"{queue_arn} because no resource-based policy allows the {action.lower()} action",
        403,
    )


def queue_policy_decision(queue: dict[str, Any], request: Request) -> str:
    """ALLOW, DENY or NOT_APPLICABLE from the queue's policy (a broken policy grants nothing)."""
    return decide(queue["Attributes"].get("Policy"), request)


class QueueAccess(SqsBase):
    def authorize(self, ctx: RequestContext, operation: str, params: dict[str, Any]) -> None:
        """AccessDenied unless the caller owns the queue or the queue policy allows the call."""
        qid = self._target_queue(ctx, operation, params)
        if qid is None:
            return  # no queue named: the caller acts in its own account
        queue = self.store.get(records.QUEUES, records.queue_key(*qid))
        if queue is None:
            return  # the operation reports QueueDoesNotExist itself
        anonymous = bool(ctx.extras.get("anonymous"))
        owner = qid[0] == ctx.account_id and not anonymous
        if owner and not queue["Attributes"].get("Policy"):
            return  # nothing can deny the owner: skip building the policy request
        action = iam_action(operation)
        arn = records.queue_arn(*qid)
        principal = "*" if anonymous else ctx.principal_arn
        if not owner and operation in OWNER_ONLY:
            raise access_denied(principal or "anonymous", action, arn)
        request = Request(
            principal_arn=principal,
            account_id="" if anonymous else ctx.account_id,
            action=action,
            resource=arn,
            context=_condition_keys(ctx, anonymous),
        )
        decision = queue_policy_decision(queue, request)
        if decision == DENY or (not owner and decision != ALLOW):
            raise access_denied(principal or "anonymous", action, arn)

    def _target_queue(
        self, ctx: RequestContext, operation: str, params: dict[str, Any]
    ) -> QueueId | None:
        if operation == "GetQueueUrl":
            owner = params.get("QueueOwnerAWSAccountId") or ctx.account_id
            return (owner, ctx.region, params.get("QueueName") or "")
        ref = params.get("QueueUrl") or (
            params.get("SourceArn") if operation in OWNER_ONLY else None
        )
        if not ref:
            return None
        return self.queue_id(ctx.account_id, ctx.region, ref)

    # -- for services that send on a caller's behalf (SNS, EventBridge, S3) ------------
    def service_may_send(
        self,
        account: str,
        region: str,
        queue: str,
        service_principal: str,
        source_arn: str | None = None,
        source_account: str | None = None,
    ) -> bool:
        """Does the queue's policy let `service_principal` (e.g. "sns.amazonaws.com") send to
        it on behalf of `source_arn`? Raises QueueDoesNotExist."""
        qid = self.queue_id(account, region, queue)
        record = self.queue_record(qid)
        request = service_request(
            service_principal,
            "sqs:SendMessage",
            records.queue_arn(*qid),
            source_arn,
            source_account,
        )
        return queue_policy_decision(record, request) == ALLOW


def _condition_keys(ctx: RequestContext, anonymous: bool) -> dict[str, Any]:
    keys: dict[str, Any] = {
        "aws:SecureTransport": "false",
        "aws:SourceIp": ctx.extras.get("source_ip", "127.0.0.1"),
    }
    if not anonymous:
        keys["aws:PrincipalAccount"] = ctx.account_id
        keys["aws:PrincipalArn"] = ctx.principal_arn
        keys["aws:userid"] = ctx.access_key_id
    for name in ("aws:SourceArn", "aws:SourceAccount"):
        if ctx.extras.get(name):
            keys[name] = ctx.extras[name]
    return {k: v for k, v in keys.items() if v is not None}


__all__ = ["OWNER_ONLY", "QueueAccess", "access_denied", "iam_action"]
