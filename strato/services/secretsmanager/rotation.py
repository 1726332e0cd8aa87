"""RotateSecret: record the schedule, then run the rotation function through AWS's four steps.

As AWS does, a new version labelled AWSPENDING is made first; the function is invoked (through
the Lambda provider, synchronously, one step after another) with createSecret, setSecret,
testSecret and finishSecret. When finishSecret has moved AWSCURRENT, AWSPENDING is removed.
A step that fails stops the rotation and leaves AWSPENDING where it is (AWS reports that
failure only in the function's logs; Strato also logs it); the next RotateSecret then answers
"A previous rotation isn't complete."
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from ...auth import RequestContext
from . import records
from .base import SecretsBase
from .errors import invalid_request

log = logging.getLogger("strato.secretsmanager")
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


class RotationOperations(SecretsBase):
    async def rotate_secret(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        token = params.get("ClientRequestToken") or str(uuid.uuid4())
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            if params.get("RotationLambdaARN"):
                record["RotationLambdaARN"] = params["RotationLambdaARN"]
            if params.get("RotationRules"):
                record["RotationRules"] = params["RotationRules"]
            function = record.get("RotationLambdaARN")
            if not function:
                raise invalid_request(
                    "No Lambda rotation function ARN is associated with this secret."
                )
            record["RotationEnabled"] = True
            immediately = params.get("RotateImmediately", True)
            if immediately:
                pending = records.version_with(record, records.PENDING)
                current = records.version_with(record, records.CURRENT)
                if pending is not None and pending != current and pending != token:
                    raise invalid_request(
                        "A previous rotation isn't complete. That rotation will be reattempted."
                    )
                self.add_version(record, token, None, [records.PENDING])
            tx.put(records.SECRETS, key, record)
        out = {"ARN": record["ARN"], "Name": record["Name"]}
        if not immediately:
            return out
        if await self._run_steps(ctx, function, record["ARN"], token):
            with self.store.transaction() as tx:
                key, record = self.find(ctx, record["ARN"], tx)
                if (
                    token in record["Versions"]
                    and records.PENDING in record["Versions"][token]["Stages"]
                ):
                    record["Versions"][token]["Stages"].remove(records.PENDING)
                record["LastRotatedDate"] = self.clock.now()
                tx.put(records.SECRETS, key, record)
        out["VersionId"] = token
        return out

    async def _run_steps(self, ctx: RequestContext, function: str, arn: str, token: str) -> bool:
        lam = self.platform.provider("lambda")
        for step in STEPS:
            event = {"Step": step, "SecretId": arn, "ClientRequestToken": token}
            result = await lam.invoke(
                ctx, {"FunctionName": function, "Payload": json.dumps(event).encode()}
            )
            if result.get("FunctionError"):
                log.warning("rotation of %s stopped at %s: %s", arn, step, result.get("Payload"))
                return False
        return True

    def cancel_rotate_secret(self, ctx: RequestContext, params: dict[str, Any]) -> dict:
        with self.store.transaction() as tx:
            key, record = self.live(ctx, params["SecretId"], tx)
            record["RotationEnabled"] = False
            pending = records.version_with(record, records.PENDING)
            if pending is not None and pending != records.version_with(record, records.CURRENT):
                records.move_stage(record, records.PENDING, None)
            tx.put(records.SECRETS, key, record)
        return {"ARN": record["ARN"], "Name": record["Name"]}
