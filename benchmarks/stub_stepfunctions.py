"""The stub floor's Step Functions (stub_server.py serves it): the client's own floor.

POST with `X-Amz-Target: AWSStepFunctions.<Operation>`: CreateStateMachine answers
with an ARN; StartExecution answers with an execution ARN and DescribeExecution
says SUCCEEDED at once with the input as the output; StartSyncExecution answers
SUCCEEDED with the input as the output. It runs no state machine: its column is
what boto3 and the loopback hop cost per call, nothing more.
"""

from __future__ import annotations

import itertools
import json

TARGET = b"AWSStepFunctions."
_JSON = [(b"content-type", b"application/x-amz-json-1.0")]
_PREFIX = "arn:aws:states:us-east-1:000000000000"
_DATE = 1_700_000_000.0
_ids = itertools.count(1)
_inputs: dict[str, str] = {}  # execution ARN -> input


def handle(op: str, body: bytes):
    req = json.loads(body or b"{}")
    out: dict = {}
    if op == "CreateStateMachine":
        out = {"stateMachineArn": f"{_PREFIX}:stateMachine:{req['name']}", "creationDate": _DATE}
    elif op in ("StartExecution", "StartSyncExecution"):
        machine = req["stateMachineArn"].rsplit(":", 1)[-1]
        arn = f"{_PREFIX}:execution:{machine}:{req.get('name') or next(_ids)}"
        out = {"executionArn": arn, "startDate": _DATE}
        if op == "StartSyncExecution":
            out.update(stopDate=_DATE, status="SUCCEEDED", output=req.get("input", "{}"))
        else:
            _inputs[arn] = req.get("input", "{}")
    elif op == "DescribeExecution":
        arn = req["executionArn"]
        out = {
            "executionArn": arn,
            "stateMachineArn": arn.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0],
            "status": "SUCCEEDED",
            "startDate": _DATE,
            "stopDate": _DATE,
            "input": _inputs.get(arn, "{}"),
            "output": _inputs.get(arn, "{}"),
        }
    return 200, _JSON, json.dumps(out).encode()
